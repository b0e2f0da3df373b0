import type { IncomingHttpHeaders } from 'node:http';
import type { JobsClient } from '@async-jobs/client';
import type { FailedEventsArchive } from './failed-events-archive';

/** A request to the console, as its server read it: the path under /console, and the body whole. */
export interface ConsoleRequest {
  method: string;
  /** The request target: path and query, as sent. */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The peer's address, as the socket has it: the console answers this machine only. */
  remoteAddress: string | undefined;
}

export interface ConsoleAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** Someone the console may act as: the one identity of an AWS profile, or each principal of a local system run with --auth. */
export interface ConsoleIdentity {
  name: string;
  /** Who the API sees: an ARN, or a description when the caller is not known before the first call. */
  principal: string;
  /** Undefined where the console cannot know (an AWS profile): there IAM alone decides what it may do. */
  operator?: boolean;
}

/**
 * Where the console's calls go, with whose credentials: the signing stays here, on the server, so that
 * no credential ever reaches the browser.
 */
export interface ConsoleBackend {
  /** `local`, or the deployed environment's name. */
  environment: string;
  apiUrl: string;
  identities: readonly ConsoleIdentity[];
  /** A client signing as that identity (one of `identities`' names). */
  clientFor(identity: string): JobsClient;
  /** The failed-events archive, when the console can reach it. */
  archive?: FailedEventsArchive;
}
