import { timingSafeEqual } from 'node:crypto';
import type { ConsoleRequest } from './console-types';

/** The header the console's own page sends on every API call: a cross-site form cannot send it, and a cross-site fetch must ask first (and is not answered). */
export const CONSOLE_HEADER = 'x-async-jobs-console';

const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?$/i;
const LOOPBACK_PEER = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
/**
 * The header that proves the page was opened at the address the console printed (when it runs with an access token):
 * the page keeps the token from the address's fragment in its session storage, which, unlike a cookie, is not shared
 * with other ports of localhost (another user's server there).
 */
export const TOKEN_HEADER = 'x-async-jobs-console-token';

/**
 * Why a request may not use the console's credentials, or undefined when it may. The console signs with whoever
 * started it, so only its own page, on this machine, may drive it: the peer must be a loopback address, the Host a
 * loopback name (a page on another site that
 * rebinds its DNS to 127.0.0.1 still sends its own host), and API calls must carry the console's header and, when
 * the browser says where they come from, come from the console's own origin. With an access token (the console of a
 * deployed environment, which signs with real credentials), they must also carry that token, so that another user of
 * a shared machine cannot use them.
 */
export function refusal(request: ConsoleRequest, isApiCall: boolean, accessToken?: string): string | undefined {
  // Another machine may send any Host it likes: the peer itself must be this machine (the local API may listen on 0.0.0.0).
  if (!LOOPBACK_PEER.test(request.remoteAddress ?? '')) return 'The console answers this machine only';
  const host = String(request.headers.host ?? '');
  if (!LOOPBACK_HOST.test(host)) return `The console answers on loopback addresses only, not on host "${host}"`;
  if (!isApiCall) return undefined;
  if (accessToken !== undefined && !sameSecret(String(request.headers[TOKEN_HEADER] ?? ''), accessToken))
    return 'Open the console at the address it printed (with its token)';
  if (request.headers[CONSOLE_HEADER] !== '1') return `Console API calls carry the ${CONSOLE_HEADER} header`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return `Console API calls come from the console's own page, not from ${origin}`;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `Console API calls come from the console's own page (Sec-Fetch-Site: ${site})`;
  return undefined;
}

/** Compares a presented secret with the expected one in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}
