import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JobsClientOptions } from './jobs-client';

/** What the client reads of a running local system's state file (`npm start` writes it). */
interface LocalRuntimeState {
  apiUrl: string;
  region: string;
  principals?: { name: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string; operator: boolean }[];
}

export const LOCAL_STATE_FILE = '.local/runtime.json';

/**
 * Options for a client of the local system (`npm start`), signing as one of its principals when it
 * runs with `--auth`: the one named, or the first caller. Without `--auth` the client does not sign.
 * @throws Error when the local system is not running, or no principal has that name.
 */
export function localSystemClientOptions(options: { principal?: string; stateFile?: string } = {}): JobsClientOptions {
  const file = resolve(options.stateFile ?? LOCAL_STATE_FILE);
  if (!existsSync(file)) throw new Error(`No local system: ${file} does not exist (start one with npm start)`);
  const state = JSON.parse(readFileSync(file, 'utf8')) as LocalRuntimeState;
  const base = { endpoint: state.apiUrl, region: state.region };
  if (!state.principals) {
    if (options.principal !== undefined)
      throw new Error(`The local system runs without --auth: there is no principal "${options.principal}"`);
    return { ...base, sign: false };
  }
  const principal =
    options.principal === undefined
      ? state.principals.find((p) => !p.operator)
      : state.principals.find((p) => p.name === options.principal);
  if (!principal)
    throw new Error(`No local principal "${options.principal}"; the local system has ${state.principals.map((p) => p.name).join(', ')}`);
  const { accessKeyId, secretAccessKey, sessionToken } = principal;
  return { ...base, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
}
