// One line per team library: `export { jobTypes as <team> } from '@async-jobs/jobs-<team>';`
// The job-type generator adds the line; nothing else has to change for a team's types to be served.
export { jobTypes as examples } from '@async-jobs/jobs-examples';
