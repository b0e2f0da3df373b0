/**
 * The job-events bus rule that feeds the webhook queue: finished jobs that asked to be notified. The local runtime
 * puts the same rule on moto's bus.
 */
export const WEBHOOK_EVENTS_PATTERN = {
  source: ['async-jobs'],
  'detail-type': ['Job Finished'],
  detail: { job: { notify: { url: [{ exists: true }] } } },
};
