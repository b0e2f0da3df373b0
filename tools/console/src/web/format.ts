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

/** Runs `task` every `ms` while the page is visible, never two at once; the returned function stops it. */
export function every(ms: number, task: () => Promise<void>): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    if (!document.hidden) await task().catch(() => undefined);
    if (!stopped) timer = setTimeout(() => void tick(), ms);
  };
  timer = setTimeout(() => void tick(), ms);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
