import { execFileSync } from 'node:child_process';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec-3f1c2e9a5b7d4c1e';
  const body = '{"eventId":"j/job/SUCCEEDED/2026-01-01T00:00:00.000Z","status":"SUCCEEDED","note":"é"}';

  it('is HMAC-SHA256 of "<timestamp>.<body>", as openssl computes it (an implementation we did not write)', () => {
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-hex'], { input: `1767225600.${body}` })
      .toString()
      .trim()
      .split(' ')
      .pop();
    expect(webhookSignature(secret, 1_767_225_600, body)).toBe(`v1=${openssl}`);
  });

  it('verifies a fresh, unaltered delivery and refuses a stale, altered or foreign one', () => {
    const signature = webhookSignature(secret, 1_767_225_600, body);
    const delivery = { timestamp: '1767225600', signature, body };
    expect(verifyWebhookSignature(secret, delivery, 1_767_225_600 + 299)).toBe(true);
    expect(verifyWebhookSignature(secret, delivery, 1_767_225_600 + 301)).toBe(false);
    // A timestamp from the future is as suspect as a stale one.
    expect(verifyWebhookSignature(secret, delivery, 1_767_225_600 - 300)).toBe(true);
    expect(verifyWebhookSignature(secret, delivery, 1_767_225_600 - 301)).toBe(false);
    expect(verifyWebhookSignature(secret, { ...delivery, body: body.replace('SUCCEEDED', 'FAILED') }, 1_767_225_600)).toBe(false);
    expect(verifyWebhookSignature(secret, { ...delivery, timestamp: '1767225601' }, 1_767_225_600)).toBe(false);
    expect(verifyWebhookSignature('another secret', delivery, 1_767_225_600)).toBe(false);
  });
});
