import type { WebhookSender } from '@async-jobs/domain';

/**
 * POSTs webhooks with Node's fetch: one attempt within `timeoutMs`, redirects not followed (a 3xx is an answer
 * that is not 2xx, so the allow-list cannot be escaped through a redirect).
 */
export class FetchWebhookSender implements WebhookSender {
  constructor(private readonly timeoutMs = 10_000) {}

  async post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }> {
    const answer = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
    // The body is not needed; reading it releases the connection.
    await answer.arrayBuffer().catch(() => undefined);
    return { status: answer.status };
  }
}
