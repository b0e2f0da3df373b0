import type { StoredResult } from './result-store';

/** A link a caller can fetch a stored result from, without credentials, until it expires. */
export interface ResultLink {
  url: string;
  expiresAt: string;
}

/** Makes links to stored results: presigned GETs, signed by the function that answers the caller. */
export interface ResultLinks {
  linkTo(result: StoredResult): Promise<ResultLink>;
}
