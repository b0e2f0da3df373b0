import { h } from './dom';

/** `2026-11-30 20:41:03`, local time: what people read in a console; the ISO time is in the element's title and datetime. */
export function time(iso: string | undefined): HTMLElement | string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return h('time', { datetime: iso, title: iso }, text);
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A status as a badge: its word (never its colour alone) on a colour of its own. */
export function badge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status.toLowerCase()}`, 'data-status': status }, status);
}

/** An id short enough for a table, whole in its title and for screen readers. */
export function shortId(id: string): HTMLElement {
  return h('span', { class: 'mono', title: id }, id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id);
}

/**
 * Runs `task` every `ms` while the page is visible and `signal` not aborted, never two at once. A failed run is told to
 * `onError` (the page says its data is stale), and the next one tries again.
 */
export function every(ms: number, task: () => Promise<void>, signal: AbortSignal, onError: (error: Error) => void): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (signal.aborted) return;
    if (!document.hidden) await task().catch((error: Error) => signal.aborted || onError(error));
    if (!signal.aborted) timer = setTimeout(() => void tick(), ms);
  };
  timer = setTimeout(() => void tick(), ms);
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
}

/** Runs `action` with the button disabled, so that a second click cannot send it twice. */
export async function whileDisabled(button: HTMLButtonElement, action: () => Promise<void>): Promise<void> {
  if (button.disabled) return;
  button.disabled = true;
  try {
    await action();
  } finally {
    button.disabled = false;
  }
}

/** Whether `value` differs from what `key` last drew: unchanged data is not redrawn, so focus and selection stay put. */
export function changedSince(previous: { value?: string }, value: unknown): boolean {
  const text = JSON.stringify(value);
  if (previous.value === text) return false;
  previous.value = text;
  return true;
}
