import type { ConsoleRequest } from './console-types';

/** The header the console's own page sends on every API call: a cross-site form cannot send it, and a cross-site fetch must ask first (and is not answered). */
export const CONSOLE_HEADER = 'x-async-jobs-console';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * Why a request may not use the console's credentials, or undefined when it may. The console signs with whoever
 * started it, so only its own page may drive it: the Host must be a loopback name (a page on another site that
 * rebinds its DNS to 127.0.0.1 still sends its own host), and API calls must carry the console's header and, when
 * the browser says where they come from, come from the console's own origin.
 */
export function refusal(request: ConsoleRequest, isApiCall: boolean): string | undefined {
  const host = String(request.headers.host ?? '');
  if (!LOOPBACK.test(host)) return `The console answers on loopback addresses only, not on host "${host}"`;
  if (!isApiCall) return undefined;
  if (request.headers[CONSOLE_HEADER] !== '1') return `Console API calls carry the ${CONSOLE_HEADER} header`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return `Console API calls come from the console's own page, not from ${origin}`;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `Console API calls come from the console's own page (Sec-Fetch-Site: ${site})`;
  return undefined;
}
