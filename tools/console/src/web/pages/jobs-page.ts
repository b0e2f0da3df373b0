import { ApiError, get } from '../api';
import { h, show, tableHead } from '../dom';
import { badge, changedSince, every, shortId, time } from '../format';
import { STATUSES, type JobsPage, type JobView } from '../model/api-types';
import type { Page } from '../page';
import { jobTypes } from './job-types';

const PAGE_SIZE = 25;
/** The API's largest page: the live refresh reads again what is shown in one request, so up to this many. */
const LIVE_LIMIT = 100;

/** Jobs newest first, by type and status, refreshed every 2 s; a box to open a job by its id. */
export const jobsPage: Page = (ctx, route) => {
  const status = route.query.get('status') ?? '';
  const type = route.query.get('type') ?? '';
  const owner = route.query.get('owner') ?? '';
  const operator = ctx.identity.operator !== false;
  let jobs: JobView[] = [];
  let nextToken: string | undefined;
  // Each read's number: an answer older than the newest read already drawn is dropped, not drawn over it.
  let issued = 0;
  let drawn = 0;
  let appending = false;
  const lastDrawn: { value?: string } = {};

  const filter = (name: string, value: string) => {
    const query = new URLSearchParams(route.query);
    if (value) query.set(name, value);
    else query.delete(name);
    ctx.navigate(`#/jobs${query.toString() ? `?${query}` : ''}`);
  };
  const typeSelect = h(
    'select',
    { id: 'filter-type', name: 'type', onchange: (e: Event) => filter('type', (e.target as HTMLSelectElement).value) },
    h('option', { value: '' }, 'All types'),
  );
  void jobTypes().then((types) => {
    for (const t of types) typeSelect.append(h('option', { value: t, selected: t === type }, t));
    typeSelect.value = type;
  });
  const statusSelect = h(
    'select',
    { id: 'filter-status', name: 'status', onchange: (e: Event) => filter('status', (e.target as HTMLSelectElement).value) },
    h('option', { value: '' }, 'All statuses'),
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)),
  );
  // Operators may list one owner's jobs (the API's ?owner=, by any ARN of that principal).
  const ownerInput = h('input', {
    id: 'filter-owner',
    name: 'owner',
    type: 'search',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'every owner',
    value: owner,
    onchange: (e: Event) => filter('owner', (e.target as HTMLInputElement).value.trim()),
  });
  const idInput = h('input', {
    id: 'find-id',
    name: 'jobId',
    type: 'search',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'a job id',
  });
  const find = h(
    'form',
    {
      class: 'inline',
      role: 'search',
      'aria-label': 'Find a job',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const id = idInput.value.trim();
        if (id) ctx.navigate(`#/jobs/${encodeURIComponent(id)}`);
      },
    },
    h('label', { for: 'find-id' }, 'Job id'),
    h('div', { class: 'row' }, idInput, h('button', { type: 'submit' }, 'Open')),
  );
  const live = h('input', { id: 'live', type: 'checkbox', checked: true });
  const updated = h('span', { class: 'muted', id: 'updated' });
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'jobs' },
    h(
      'caption',
      null,
      `Jobs${type ? ` of type ${type}` : ''}${status ? ` ${status}` : ''}${owner && operator ? ` of ${owner}` : ''}, newest first`,
    ),
    tableHead('Job', 'Type', 'Status', 'Consumers', 'Created', operator && 'Owner'),
    body,
  );
  const more = h('button', { type: 'button', hidden: true, onclick: () => void load(true) }, 'Load more');
  const empty = h('p', { class: 'muted', hidden: true }, 'No jobs match.');

  const row = (job: JobView) =>
    h(
      'tr',
      { 'data-job-id': job.jobId },
      h('td', null, h('a', { href: `#/jobs/${job.jobId}` }, shortId(job.jobId))),
      h('td', null, job.type),
      h('td', null, badge(job.status)),
      h(
        'td',
        { class: 'consumers' },
        Object.entries(job.consumers).map(([id, c]) =>
          h(
            'span',
            { class: 'consumer' },
            `${id}: `,
            badge(c.status),
            c.status === 'RUNNING' && c.progress ? ` ${Math.round(c.progress.percent)}%` : '',
            c.attempts > 1 ? h('span', { title: `${c.attempts} attempts` }, ` ×${c.attempts}`) : '',
          ),
        ),
      ),
      h('td', null, time(job.createdAt)),
      operator ? h('td', { class: 'owner' }, job.owner ?? '') : null,
    );
  const draw = () => {
    show(updated, 'Updated ', time(new Date().toISOString()));
    if (!changedSince(lastDrawn, { jobs, nextToken })) return;
    // Redrawn rows replace the focused link: focus goes back to the same job's link.
    const focused = (document.activeElement as HTMLElement | null)?.closest('tr')?.dataset['jobId'];
    show(body, jobs.map(row));
    if (focused) body.querySelector<HTMLElement>(`tr[data-job-id="${focused}"] a`)?.focus();
    // No row yet, but the list goes on: Load more reads further rather than saying nothing matches.
    empty.hidden = jobs.length > 0 || nextToken !== undefined;
    more.hidden = !nextToken;
  };
  const query = (limit: number, token?: string) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (status) q.set('status', status);
    if (type) q.set('type', type);
    if (owner && operator) q.set('owner', owner);
    if (token) q.set('nextToken', token);
    return `jobs?${q}`;
  };
  /**
   * Up to `limit` jobs from `token` on: a page of the API may hold fewer than its limit while its nextToken goes on
   * (a status filter applies after the read), so this reads on, a few pages at most, until it has them or none are left.
   */
  async function readPage(limit: number, token?: string): Promise<JobsPage> {
    const found: JobView[] = [];
    let next = token;
    for (let reads = 0; reads < 5; reads++) {
      const page = await get<JobsPage>(query(limit - found.length, next));
      found.push(...page.jobs);
      next = page.nextToken;
      if (!next || found.length >= limit) break;
    }
    return { jobs: found, ...(next ? { nextToken: next } : {}) };
  }
  /** The first page, or (`append`) the next one after what is shown. */
  async function load(append = false): Promise<void> {
    const mine = ++issued;
    appending = append;
    try {
      const page = await readPage(PAGE_SIZE, append ? nextToken : undefined);
      if (ctx.signal.aborted || mine < drawn) return;
      drawn = mine;
      jobs = append ? [...jobs, ...page.jobs.filter((j) => !jobs.some((k) => k.jobId === j.jobId))] : page.jobs;
      nextToken = page.nextToken;
      draw();
    } catch (error) {
      if (!ctx.signal.aborted) ctx.announce(`Listing jobs failed: ${(error as ApiError).message}`, 'error');
    } finally {
      if (append) appending = false;
    }
  }
  /** Reads again, in one request, as many jobs as are shown; past the API's page size, live updates stop (and say so). */
  async function refresh(): Promise<void> {
    // The next page is on its way: a refresh now would be dropped by it, or drop it.
    if (!live.checked || appending) return;
    if (jobs.length > LIVE_LIMIT) {
      live.checked = false;
      show(updated, `Live updates paused: more than ${LIVE_LIMIT} jobs are shown`);
      return;
    }
    const mine = ++issued;
    const page = await readPage(Math.max(PAGE_SIZE, jobs.length));
    if (ctx.signal.aborted || mine < drawn) return;
    drawn = mine;
    jobs = page.jobs;
    nextToken = page.nextToken;
    draw();
  }

  show(
    ctx.main,
    h('h1', null, 'Jobs'),
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'filter-type' }, 'Type'), typeSelect),
      h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), statusSelect),
      operator ? h('div', { class: 'field' }, h('label', { for: 'filter-owner' }, 'Owner'), ownerInput) : null,
      find,
      h('div', { class: 'field live' }, live, h('label', { for: 'live' }, 'Live updates'), updated),
    ),
    table,
    empty,
    more,
  );
  void load();
  every(2000, refresh, ctx.signal, (error) => {
    show(updated, 'Update failed: the list may be out of date');
    ctx.announce(`Updating the list failed: ${error.message}`, 'error');
  });
};
