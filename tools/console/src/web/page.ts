import type { ConsoleIdentity } from '../server/console-types';

export interface Session {
  environment: string;
  apiUrl: string;
  identities: ConsoleIdentity[];
  archive: boolean;
}

/** What every page is given: the session, whom it acts as, where to draw, and how to tell screen readers of a change. */
export interface PageContext {
  session: Session;
  identity: ConsoleIdentity;
  main: HTMLElement;
  /** Says a sentence in the page's live region (and shows it in the status bar). */
  announce(message: string, tone?: 'info' | 'error'): void;
  navigate(hash: string): void;
  /** Aborted when the page is left (another route, another identity): it then draws nothing more and stops its reads. */
  signal: AbortSignal;
}

/** A page draws itself into ctx.main, and keeps it live until ctx.signal aborts. */
export type Page = (ctx: PageContext, route: { id?: string; query: URLSearchParams }) => void;
