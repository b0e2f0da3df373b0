import { deploymentSettings, ENVIRONMENTS } from './deployment-settings';
import { jobsApiEnvironment, webhookPolicyFrom, webhookSenderEnvironment } from './function-environment';

describe('the webhook policy, through the functions environment', () => {
  it.each(ENVIRONMENTS)('%s: jobs-api and the sender read back exactly the settings', (environment) => {
    const settings = deploymentSettings(environment);
    const expected = { allowedHosts: settings.webhooks.allowedHosts, allowLoopbackHttp: settings.webhooks.allowLoopbackHttp };
    expect(webhookPolicyFrom(jobsApiEnvironment(settings, { accountId: '123456789012', callerIdentity: 'iam' }))).toEqual(expected);
    expect(webhookPolicyFrom(webhookSenderEnvironment(settings, 'https://sqs/q'))).toEqual(expected);
  });

  it('allows plain http to loopback locally only, and no host anywhere until the settings name some', () => {
    for (const environment of ENVIRONMENTS.filter((e) => e !== 'local'))
      expect(deploymentSettings(environment).webhooks).toMatchObject({ allowedHosts: [], allowLoopbackHttp: false });
    expect(deploymentSettings('local').webhooks.allowLoopbackHttp).toBe(true);
  });

  it('reads a list with spaces and empty items, and loopback http only from "true"', () => {
    expect(webhookPolicyFrom({ WEBHOOK_ALLOWED_HOSTS: ' a.com , *.b.com ,', WEBHOOK_ALLOW_LOOPBACK_HTTP: 'false' })).toEqual({
      allowedHosts: ['a.com', '*.b.com'],
      allowLoopbackHttp: false,
    });
    expect(webhookPolicyFrom({ WEBHOOK_ALLOW_LOOPBACK_HTTP: 'yes' })).toEqual({ allowedHosts: [], allowLoopbackHttp: false });
  });
});
