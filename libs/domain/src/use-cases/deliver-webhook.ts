import { failureReasonOf } from '../failure-reason';
import type { JobEventDetail } from '../job-events';
import type { Clock } from '../ports/clock';
import type { WebhookSender } from '../ports/webhook-sender';
import { notifyUrlProblem, type WebhookPolicy } from '../webhooks/notify-target';
import { WEBHOOK_HEADERS, webhookSignature } from '../webhooks/webhook-signature';

export interface DeliverWebhookDeps {
  sender: WebhookSender;
  /** The environment's signing secret (cached by its adapter). */
  secret: () => Promise<string>;
  clock: Clock;
  policy: WebhookPolicy;
  /** How long after the job finished a delivery is still tried (an hour). */
  maxAgeSeconds: number;
  /** The first retry's delay (30 s; seconds locally), doubled for each attempt after, at most 15 minutes. */
  firstRetrySeconds?: number;
}

export type WebhookOutcome =
  | { kind: 'delivered'; status: number }
  /** Try again after `delaySeconds` (exponential, from 30 s, at most 15 min, never past the deadline). */
  | { kind: 'retry'; delaySeconds: number; reason: string }
  /** Tried for `maxAgeSeconds`, or the URL is no longer allowed: not tried again. */
  | { kind: 'gave-up'; reason: string };

const FIRST_RETRY_SECONDS = 30;
const LONGEST_DELAY_SECONDS = 900;

/**
 * One delivery attempt of a finished job's webhook: its Job Finished event's detail, POSTed to the job's notify URL,
 * signed. A 2xx answer delivers it; anything else (no answer, a timeout, any other status) is tried again with
 * backoff until `maxAgeSeconds` after the job finished. The URL is checked against the policy again: the allow-list
 * may have changed since the submit.
 */
export async function deliverWebhook(deps: DeliverWebhookDeps, event: JobEventDetail, attempt: number): Promise<WebhookOutcome> {
  const url = event.job.notify?.url;
  if (!url) return { kind: 'gave-up', reason: 'the job has no notify URL' };
  const problem = notifyUrlProblem(url, deps.policy);
  if (problem) return { kind: 'gave-up', reason: `the URL is not allowed: ${problem.message}` };
  const now = deps.clock.now();
  const body = JSON.stringify(event);
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': 'async-jobs-webhooks/1',
    [WEBHOOK_HEADERS.eventId]: event.eventId,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: webhookSignature(await deps.secret(), timestamp, body),
  };
  let reason: string;
  try {
    const { status } = await deps.sender.post(url, body, headers);
    if (status >= 200 && status < 300) return { kind: 'delivered', status };
    reason = `answered ${status}`;
  } catch (error) {
    reason = `no answer: ${failureReasonOf(error).message}`;
  }
  const deadline = Date.parse(event.occurredAt) + deps.maxAgeSeconds * 1000;
  const delaySeconds = Math.min(LONGEST_DELAY_SECONDS, (deps.firstRetrySeconds ?? FIRST_RETRY_SECONDS) * 2 ** Math.max(0, attempt - 1));
  if (now.getTime() + delaySeconds * 1000 > deadline)
    return { kind: 'gave-up', reason: `${reason}; tried for ${Math.round((now.getTime() - Date.parse(event.occurredAt)) / 1000)} s` };
  return { kind: 'retry', delaySeconds, reason };
}
