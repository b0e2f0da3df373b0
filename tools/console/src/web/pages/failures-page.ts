import { ApiError, call, get } from '../api';
import { h, show, tableHead } from '../dom';
import { bytes, changedSince, every, shortId, time, whileDisabled } from '../format';
import { groupFailures } from '../model/failure-groups';
import type { Page, PageContext } from '../page';
import type { ArchiveSummary, ReplaySummary } from '../../server/failed-events-archive';
import { jobsSince } from './list-all';

const WINDOW_HOURS = 24;
const CAP = 500;

/** Recent FAILED jobs grouped by reason, with a retry per group; the failed-events archive and its replays. */
export const failuresPage: Page = (ctx) => {
  const groups = h('div', { class: 'groups' });
  const archive = h('section', { 'aria-labelledby': 'archive-heading' });
  show(
    ctx.main,
    h('h1', null, 'Failures'),
    h('h2', { id: 'failures-heading', tabindex: '-1' }, `Jobs created in the last ${WINDOW_HOURS} hours that FAILED, by reason`),
    groups,
    archive,
  );
  const lastGroups: { value?: string } = {};
  const drawGroups = async () => {
    const since = new Date(Date.now() - WINDOW_HOURS * 3600_000);
    const { jobs, capped } = await jobsSince({ status: 'FAILED' }, since, CAP);
    const grouped = groupFailures(jobs);
    if (ctx.signal.aborted || !changedSince(lastGroups, { grouped, capped })) return;
    if (!grouped.length) return show(groups, h('p', { class: 'muted' }, 'No job failed.'));
    show(
      groups,
      capped ? h('p', { class: 'muted' }, `The newest ${CAP} failed jobs.`) : null,
      grouped.map((g) =>
        h(
          'section',
          { class: 'failure-group', 'data-code': g.code, 'aria-labelledby': `group-${g.code}` },
          h(
            'h3',
            { id: `group-${g.code}` },
            g.code,
            h('span', { class: 'count' }, ` ${g.jobIds.length} job${g.jobIds.length === 1 ? '' : 's'}`),
          ),
          h('p', { class: 'reason' }, g.message),
          h('p', { class: 'muted' }, `Types: ${g.types.join(', ')} · latest `, time(g.latestAt)),
          h(
            'ul',
            { class: 'job-links', 'aria-label': `${g.code} jobs` },
            g.jobIds.slice(0, 10).map((id) => h('li', null, h('a', { href: `#/jobs/${id}` }, shortId(id)))),
            g.jobIds.length > 10 ? h('li', { class: 'muted' }, `and ${g.jobIds.length - 10} more`) : null,
          ),
          retryAllButton(ctx, g.jobIds, drawGroups),
        ),
      ),
    );
  };
  const failed = (e: Error) => ctx.announce(`Listing failures failed: ${e.message}`, 'error');
  void drawGroups().catch(failed);
  if (ctx.identity.operator === false)
    show(
      archive,
      h('h2', { id: 'archive-heading' }, 'Failed-events archive'),
      h('p', { class: 'muted' }, 'Only operators see the failed-events archive and replay it.'),
    );
  if (ctx.session.archive && ctx.identity.operator !== false) drawArchive(ctx, archive);
  every(5000, drawGroups, ctx.signal, failed);
};

function retryAllButton(ctx: PageContext, jobIds: string[], redraw: () => Promise<void>): HTMLButtonElement {
  const button: HTMLButtonElement = h(
    'button',
    { type: 'button', onclick: () => void whileDisabled(button, () => retryAll(ctx, jobIds, redraw)) },
    `Retry all ${jobIds.length}`,
  );
  return button;
}

async function retryAll(ctx: PageContext, jobIds: string[], redraw: () => Promise<void>): Promise<void> {
  let sent = 0;
  const refused: string[] = [];
  for (const id of jobIds) {
    try {
      await call('POST', `jobs/${encodeURIComponent(id)}/retry`);
      sent++;
    } catch (error) {
      refused.push(`${id}: ${(error as ApiError).code}`);
    }
  }
  ctx.announce(
    `${sent} job${sent === 1 ? '' : 's'} sent to run again${refused.length ? `; refused: ${refused.join(', ')}` : ''}`,
    refused.length ? 'error' : 'info',
  );
  await redraw();
  // The group (and the button pressed) may be gone: focus goes to the list of groups.
  document.getElementById('failures-heading')?.focus();
}

/** `2026-11-30T20:41` in local time, as a datetime-local input takes it. */
function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function drawArchive(ctx: PageContext, container: HTMLElement): void {
  const stats = h('dl', { class: 'facts' });
  const replays = h('tbody');
  const from = h('input', {
    id: 'replay-from',
    name: 'from',
    type: 'datetime-local',
    step: '1',
    value: localInput(new Date(Date.now() - 3600_000)),
  });
  const to = h('input', {
    id: 'replay-to',
    name: 'to',
    type: 'datetime-local',
    step: '1',
    value: localInput(new Date(Date.now() + 60_000)),
  });
  const error = h('p', { class: 'field-error', id: 'replay-error', role: 'alert', hidden: true });
  const replayButton = h('button', { type: 'submit' }, 'Replay window');
  // The archive's reads stop when the page is left, or when they are refused (no grant: asking again says so again).
  const stopped = new AbortController();
  ctx.signal.addEventListener('abort', () => stopped.abort(), { once: true });

  const lastReplays: { value?: string } = {};
  const form = h(
    'form',
    {
      class: 'toolbar',
      'aria-label': 'Replay a window of the archive',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void whileDisabled(replayButton, start);
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'replay-from' }, 'From'), from),
    h('div', { class: 'field' }, h('label', { for: 'replay-to' }, 'To'), to),
    replayButton,
  );
  const start = async () => {
    error.hidden = true;
    for (const input of [from, to]) {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
    const toIso = (value: string) => (value ? new Date(value).toISOString() : '');
    try {
      const { data } = await call<ReplaySummary>('POST', 'replays', { body: { from: toIso(from.value), to: toIso(to.value) } });
      ctx.announce(`Replay ${data?.name ?? ''} started`);
      await refresh();
    } catch (failure) {
      const e = failure as ApiError;
      const detail = e.details[0];
      error.hidden = false;
      error.textContent = detail ? `${detail.code}: ${detail.field.slice(1)}: ${detail.message}` : `${e.code}: ${e.message}`;
      for (const input of [from, to])
        if (detail && `/${input.name}` === detail.field) {
          input.setAttribute('aria-invalid', 'true');
          input.setAttribute('aria-describedby', 'replay-error');
        }
    }
  };
  const refresh = async () => {
    try {
      const a = await get<ArchiveSummary>('archive');
      if (ctx.signal.aborted) return;
      show(
        stats,
        [h('dt', null, 'Archive'), h('dd', { class: 'mono' }, a.name)],
        [h('dt', null, 'State'), h('dd', null, a.state)],
        [h('dt', null, 'Events'), h('dd', { 'data-archive-events': String(a.eventCount) }, String(a.eventCount))],
        [h('dt', null, 'Size'), h('dd', null, bytes(a.sizeBytes))],
        [h('dt', null, 'Kept'), h('dd', null, a.retentionDays ? `${a.retentionDays} days` : 'for ever')],
      );
      const { replays: list } = await get<{ replays: ReplaySummary[] }>('replays');
      replays.dataset['loaded'] = 'true';
      if (ctx.signal.aborted || !changedSince(lastReplays, list)) return;
      show(
        replays,
        list.map((r) =>
          h(
            'tr',
            { 'data-replay': r.name },
            h('td', { class: 'mono' }, r.name),
            h('td', null, time(r.from), ' – ', time(r.to)),
            h('td', { class: 'replay-state' }, r.state),
            h('td', null, r.stateReason ?? ''),
          ),
        ),
      );
    } catch (failure) {
      const e = failure as ApiError;
      if (ctx.signal.aborted) return;
      show(stats, h('p', { class: 'field-error' }, `${e.code}: ${e.message}`));
      ctx.announce(`Reading the archive failed: ${e.code}: ${e.message}`, 'error');
      // Refused (no grant): asking again every 2 s would only say so again.
      if (e.status === 403) stopped.abort();
    }
  };
  show(
    container,
    h('h2', { id: 'archive-heading' }, 'Failed-events archive'),
    h(
      'p',
      { class: 'muted' },
      'When the error handler itself fails, the failure notice lands on the failed-events bus and is archived here. Replaying a window sends its notices back to the error handler, which records them on their jobs.',
    ),
    stats,
    form,
    error,
    h('table', null, h('caption', null, 'Replays started from this console'), tableHead('Replay', 'Window', 'State', 'Reason'), replays),
  );
  void refresh();
  every(2000, refresh, stopped.signal, () => undefined);
}
