/** POSTs a webhook: one attempt, no redirects followed. */
export interface WebhookSender {
  /** Resolves with the answer's status, or rejects when no answer came (refused, unreachable, timed out). */
  post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }>;
}
