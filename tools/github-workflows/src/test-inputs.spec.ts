import { workflowPaths } from './workflow';

/*
 * These specs read files outside their project, the workflows under .github/: Nx must hash them into this
 * project's test, or a workflow edit would be served the cached pass of the workflow before it (and
 * `nx affected` would not run the test for a change to .github/ alone). Answered by Nx's own hash plan, as
 * in tools/workspace-plugin/src/plugins/cache-honesty.spec.ts.
 */
const taskFiles: typeof import('nx/src/hasher/check-task-files') = require('nx/src/hasher/check-task-files');

describe("this project's test target", () => {
  it('has every workflow file among its inputs', async () => {
    const { unmatched, matched } = await taskFiles.checkFilesAreInputs('github-workflows:test', workflowPaths());
    expect(matched.length).toBeGreaterThanOrEqual(2);
    expect(unmatched).toEqual([]);
  }, 60_000); // builds the project graph

  it('would be told apart from one that lacks a file (the check can fail)', async () => {
    expect((await taskFiles.checkFilesAreInputs('github-workflows:test', ['README.md'])).unmatched).toEqual(['README.md']);
  });
});
