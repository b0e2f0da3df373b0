import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers of a webhook delivery. */
export const WEBHOOK_HEADERS = {
  eventId: 'X-Async-Jobs-Event-Id',
  timestamp: 'X-Async-Jobs-Timestamp',
  signature: 'X-Async-Jobs-Signature',
} as const;

/**
 * `v1=<hex HMAC-SHA256>` of `<timestamp>.<body>` under the environment's webhook secret: the timestamp (Unix
 * seconds, also sent in its own header) is signed with the body, so a receiver that refuses stale timestamps
 * (five minutes is usual) refuses replays of a captured delivery.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** What a receiver does (docs/architecture.md, Webhooks): the signature matches and the timestamp is recent. */
export function verifyWebhookSignature(
  secret: string,
  delivery: { timestamp: string; signature: string; body: string },
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(delivery.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, delivery.body));
  const given = Buffer.from(delivery.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
