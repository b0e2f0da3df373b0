export interface IdGenerator {
  newJobId(): string;
  /**
   * A random token naming one write of a job: a claim, or the write that finishes an entry. A write
   * retried after its answer was lost finds its own token on the item and knows it landed.
   */
  newToken(): string;
}
