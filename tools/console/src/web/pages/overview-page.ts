import type { ApiError } from '../api';
import { h, show, svg, tableHead } from '../dom';
import { changedSince, every, time } from '../format';
import { STATUSES } from '../model/api-types';
import { countByTypeAndStatus, type TypeCounts } from '../model/status-counts';
import type { Page } from '../page';
import { jobsSince } from './list-all';

const CAP = 2000;

/** Jobs created in the last hour, counted by status per type: a stacked bar per type, and the same numbers as a table. */
export const overviewPage: Page = (ctx) => {
  const chart = h('figure', { class: 'chart' });
  const table = h('div');
  const note = h('p', { class: 'muted' });
  show(
    ctx.main,
    h('h1', null, 'Overview'),
    h('p', null, 'Jobs created in the last hour, by status, per type (refreshed every 10 s).'),
    note,
    chart,
    table,
  );
  const drawn: { value?: string } = {};
  const draw = async () => {
    const since = new Date(Date.now() - 3600_000);
    const { jobs, capped } = await jobsSince({}, since, CAP);
    const rows = countByTypeAndStatus(jobs, since);
    if (ctx.signal.aborted) return;
    show(note, capped ? `The newest ${CAP} jobs only: the hour holds more. ` : '', 'As of ', time(new Date().toISOString()));
    if (!changedSince(drawn, { rows, capped })) return;
    show(chart, barChart(rows), h('figcaption', null, 'Jobs per type in the last hour, stacked by status'));
    show(table, countsTable(rows));
  };
  const failed = (e: Error) => show(note, `Counting jobs failed (${(e as ApiError).message}): the counts below may be out of date`);
  void draw().catch(failed);
  every(10_000, draw, ctx.signal, failed);
};

function barChart(rows: TypeCounts[]): SVGElement {
  const width = 760;
  const label = 140;
  const bar = 28;
  const gap = 12;
  const legend = 36;
  const height = legend + Math.max(1, rows.length) * (bar + gap);
  const max = Math.max(1, ...rows.map((r) => r.total));
  const scale = (width - label - 60) / max;
  const summary = rows.map((r) => `${r.type}: ${STATUSES.map((s) => `${r.counts[s]} ${s}`).join(', ')}`).join('; ');
  return svg(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', class: 'bars' },
    svg('title', { id: 'chart-title' }, 'Jobs in the last hour by type and status'),
    svg('desc', { id: 'chart-desc' }, summary || 'No jobs in the last hour'),
    STATUSES.map((s, i) =>
      svg(
        'g',
        { transform: `translate(${label + i * 120}, 8)` },
        svg('rect', { width: '14', height: '14', class: `fill-${s.toLowerCase()}` }),
        svg('text', { x: '20', y: '12', class: 'legend' }, s),
      ),
    ),
    rows.map((r, i) => {
      const y = legend + i * (bar + gap);
      let x = label;
      return svg(
        'g',
        { 'data-type': r.type },
        svg('text', { x: String(label - 8), y: String(y + bar / 2 + 5), 'text-anchor': 'end', class: 'axis' }, r.type),
        STATUSES.filter((s) => r.counts[s] > 0).map((s) => {
          const w = r.counts[s] * scale;
          const rect = svg(
            'rect',
            { x: String(x), y: String(y), width: String(Math.max(w, 2)), height: String(bar), class: `fill-${s.toLowerCase()}` },
            svg('title', null, `${r.type} ${s}: ${r.counts[s]}`),
          );
          x += w;
          return rect;
        }),
        svg('text', { x: String(x + 6), y: String(y + bar / 2 + 5), class: 'axis' }, String(r.total)),
      );
    }),
  );
}

function countsTable(rows: TypeCounts[]): HTMLElement {
  return h(
    'table',
    { class: 'counts' },
    h('caption', null, 'Counts in the last hour'),
    tableHead('Type', ...STATUSES, 'Total'),
    h(
      'tbody',
      null,
      rows.length
        ? rows.map((r) =>
            h(
              'tr',
              { 'data-type': r.type },
              h('th', { scope: 'row' }, r.type),
              STATUSES.map((s) => h('td', { 'data-status': s }, String(r.counts[s]))),
              h('td', null, String(r.total)),
            ),
          )
        : h('tr', null, h('td', { colspan: String(STATUSES.length + 2) }, 'No jobs in the last hour.')),
    ),
  );
}
