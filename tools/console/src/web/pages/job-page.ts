import { ApiError, call } from '../api';
import { h, show } from '../dom';
import { badge, bytes, changedSince, every, time, whileDisabled } from '../format';
import { FINISHED_STATUSES, type ConsumerView, type JobView, type SubmitAccepted } from '../model/api-types';
import { consumerTimeline } from '../model/timeline';
import type { Page } from '../page';

/** What the submit page hands over: the 202's job, drawn as PENDING before the first read answers. */
let accepted: SubmitAccepted | undefined;
export function justSubmitted(job: SubmitAccepted): void {
  accepted = job;
}

/** A job: its status live (1 s while it runs, ETag polls), each consumer's timeline and result, cancel and retry, the raw view. */
export const jobPage: Page = (ctx, route) => {
  const jobId = route.id ?? '';
  let etag: string | undefined;
  let job: JobView | undefined;
  let missing = false;
  const header = h('div', { class: 'job-header' });
  const actions = h('div', { class: 'actions' });
  const consumers = h('div', { class: 'consumer-list' });
  const raw = h('pre', { class: 'raw', tabindex: '0' });

  const lastActions: { value?: string } = {};
  const act = async (action: 'cancel' | 'retry') => {
    if (action === 'cancel' && !window.confirm(`Cancel job ${jobId}? Its runs stop at their next heartbeat.`)) return;
    try {
      const { data } = await call<JobView>('POST', `jobs/${encodeURIComponent(jobId)}/${action}`);
      if (ctx.signal.aborted) return;
      if (data) draw(data);
      ctx.announce(action === 'cancel' ? 'Job cancelled' : 'Job sent to run again');
      etag = undefined;
      // The button pressed is gone: focus goes to the status it changed.
      header.querySelector<HTMLElement>('.status-line')?.focus();
    } catch (error) {
      const e = error as ApiError;
      ctx.announce(`${action === 'cancel' ? 'Cancel' : 'Retry'} refused: ${e.code}: ${e.message}`, 'error');
    }
  };
  const actionButton = (label: string, action: 'cancel' | 'retry', danger = false) => {
    const button: HTMLButtonElement = h(
      'button',
      { type: 'button', ...(danger ? { class: 'danger' } : {}), onclick: () => void whileDisabled(button, () => act(action)) },
      label,
    );
    return button;
  };

  const draw = (view: JobView) => {
    // A read sent before a cancel or retry may answer after it: never draw an older version over a newer one.
    if (job && view.version < job.version) return;
    if (job && job.status !== view.status) ctx.announce(`Job ${view.status}`);
    job = view;
    show(
      header,
      h('p', { class: 'status-line', tabindex: '-1' }, 'Status ', badge(view.status), ` · version ${view.version}`),
      h(
        'dl',
        { class: 'facts' },
        fact('Type', view.type),
        fact('Created', time(view.createdAt)),
        fact('Updated', time(view.updatedAt)),
        view.owner ? fact('Owner', view.owner) : null,
        view.notify ? fact('Notify', view.notify.url) : null,
        view.cancelledBy ? fact('Cancelled by', view.cancelledBy) : null,
        fact('Input', h('code', null, JSON.stringify(view.input))),
      ),
    );
    // Redrawn only when what may be done changes, so a focused button stays focused while the job runs on.
    if (changedSince(lastActions, view.status))
      show(
        actions,
        view.status === 'PENDING' || view.status === 'RUNNING' ? actionButton('Cancel job', 'cancel', true) : null,
        view.status === 'FAILED' ? actionButton('Retry failed consumers', 'retry') : null,
      );
    show(
      consumers,
      Object.entries(view.consumers).map(([id, c]) => consumerSection(view, id, c)),
    );
    raw.textContent = JSON.stringify(view, null, 2);
  };

  const read = async () => {
    try {
      // A stored result's link expires: past its expiry, read the job whole again for a fresh one (not a 304).
      const expired =
        job && Object.values(job.consumers).some((c) => c.resultUrlExpiresAt && Date.parse(c.resultUrlExpiresAt) <= Date.now());
      if (expired) etag = undefined;
      const answer = await call<JobView>('GET', `jobs/${encodeURIComponent(jobId)}`, etag ? { etag } : {});
      if (ctx.signal.aborted) return;
      etag = answer.etag ?? etag;
      if (answer.data) draw(answer.data);
    } catch (error) {
      const e = error as ApiError;
      if (ctx.signal.aborted) return;
      if (e.status === 404 || e.status === 400) {
        missing = true;
        show(
          ctx.main,
          h('h1', null, 'No such job'),
          h('p', { role: 'alert' }, `${e.code}: ${e.message}`),
          h('p', null, 'A job you may not see answers as a missing one.'),
        );
      } else ctx.announce(`Reading the job failed: ${e.code}: ${e.message}`, 'error');
    }
  };

  show(
    ctx.main,
    h('p', null, h('a', { href: '#/jobs' }, '← Jobs')),
    h('h1', null, 'Job ', h('span', { class: 'mono' }, jobId)),
    header,
    actions,
    h('h2', null, 'Consumers'),
    h(
      'p',
      { class: 'muted' },
      'Every consumer runs every job on its own. The view keeps the latest claim, progress and error of each run; attempts counts every try.',
    ),
    consumers,
    h('details', null, h('summary', null, 'Raw view (JSON)'), raw),
  );
  if (accepted?.jobId === jobId) {
    show(header, h('p', { class: 'status-line' }, 'Status ', badge(accepted.status), ' · accepted'));
    accepted = undefined;
  }
  void read();
  // Fast while it runs; slower once finished, to see a retry or a cancel made elsewhere.
  let slowTicks = 0;
  every(
    1000,
    async () => {
      if (missing || (job && FINISHED_STATUSES.includes(job.status) && ++slowTicks % 5 !== 0)) return;
      await read();
    },
    ctx.signal,
    (error) => ctx.announce(`Reading the job failed: ${error.message}`, 'error'),
  );
};

function fact(term: string, ...value: (Node | string | null)[]) {
  return [h('dt', null, term), h('dd', null, ...value)];
}

function consumerSection(job: JobView, id: string, c: ConsumerView): HTMLElement {
  const timeline = consumerTimeline(job, id);
  return h(
    'section',
    { class: 'consumer-card', 'aria-labelledby': `consumer-${id}` },
    h(
      'h3',
      { id: `consumer-${id}` },
      `Consumer ${id} `,
      badge(c.status),
      c.attempts ? h('span', { class: 'muted' }, ` · ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}`) : null,
    ),
    c.status === 'RUNNING' && c.progress
      ? h('progress', { max: '100', value: String(c.progress.percent), 'aria-label': `Consumer ${id} progress` }, `${c.progress.percent}%`)
      : null,
    h(
      'ol',
      { class: 'timeline', 'aria-label': `Consumer ${id} timeline` },
      timeline.map((e) =>
        h(
          'li',
          { class: `event ${e.kind}` },
          time(e.at),
          ' ',
          h('strong', null, e.label),
          e.detail ? h('span', { class: 'detail' }, ` ${e.detail}`) : null,
        ),
      ),
    ),
    c.error ? h('p', { class: 'error-reason' }, h('strong', null, c.error.code), `: ${c.error.message}`) : null,
    c.result !== undefined
      ? [h('h4', null, 'Result'), h('pre', { class: 'result', tabindex: '0' }, JSON.stringify(c.result, null, 2))]
      : null,
    c.resultUrl
      ? h(
          'p',
          null,
          h(
            'a',
            { href: c.resultUrl, rel: 'noreferrer', download: `${job.jobId}-${id}.json` },
            `Download the result (${bytes(c.resultBytes ?? 0)})`,
          ),
          c.resultUrlExpiresAt ? h('span', { class: 'muted' }, ' link valid until ', time(c.resultUrlExpiresAt)) : null,
        )
      : null,
  );
}
