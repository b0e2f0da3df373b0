import { hostAllowed, notifyUrlProblem, NO_WEBHOOKS, type WebhookPolicy } from './notify-target';

describe('notify URLs', () => {
  const prod: WebhookPolicy = { allowedHosts: ['hooks.example.com', '*.partner.example'], allowLoopbackHttp: false };
  const local: WebhookPolicy = { allowedHosts: ['localhost', '127.0.0.1'], allowLoopbackHttp: true };

  it.each(['https://hooks.example.com/jobs', 'https://a.partner.example/x?y=1', 'https://b.c.partner.example:8443/'])(
    'accepts %s',
    (url) => {
      expect(notifyUrlProblem(url, prod)).toBeUndefined();
    },
  );

  it.each([
    ['http://hooks.example.com/jobs', 'INVALID_FORMAT', 'Expected an https URL, got http'],
    ['ftp://hooks.example.com/', 'INVALID_FORMAT', 'Expected an https URL, got ftp'],
    ['hooks.example.com/jobs', 'INVALID_FORMAT', 'Expected an absolute URL, e.g. https://hooks.example.com/jobs'],
    ['https://user:secret@hooks.example.com/', 'INVALID_FORMAT', 'The URL must not carry a user name or password'],
    [
      'https://partner.example/',
      'INVALID_VALUE',
      "The host partner.example is not on this environment's allow-list: hooks.example.com, *.partner.example",
    ],
    ['https://169.254.169.254/latest/meta-data', 'INVALID_VALUE', expect.stringContaining('169.254.169.254 is not on')],
    ['https://hooks.example.com.evil.test/', 'INVALID_VALUE', expect.stringContaining('hooks.example.com.evil.test is not on')],
    ['http://localhost:8080/', 'INVALID_FORMAT', 'Expected an https URL, got http'],
  ])('refuses %s (%s), naming the field', (url, code, message) => {
    expect(notifyUrlProblem(url, prod)).toEqual({ field: '/notify/url', code, message });
  });

  it('allows plain http to loopback only where the environment says so (locally)', () => {
    expect(notifyUrlProblem('http://127.0.0.1:4000/hook', local)).toBeUndefined();
    expect(notifyUrlProblem('http://[::1]:4000/hook', local)).toBeUndefined();
    expect(notifyUrlProblem('http://10.0.0.1/hook', local)?.code).toBe('INVALID_FORMAT');
  });

  it('accepts nothing where no host is allowed', () => {
    expect(notifyUrlProblem('https://hooks.example.com/', NO_WEBHOOKS)?.message).toBe(
      "The host hooks.example.com is not on this environment's allow-list: none (the environment accepts no webhooks)",
    );
  });

  it('matches hosts case-insensitively, a trailing dot aside, and a wildcard never its apex', () => {
    expect(hostAllowed('HOOKS.Example.COM.', ['hooks.example.com'])).toBe(true);
    expect(hostAllowed('partner.example', ['*.partner.example'])).toBe(false);
    expect(hostAllowed('xpartner.example', ['*.partner.example'])).toBe(false);
  });
});
