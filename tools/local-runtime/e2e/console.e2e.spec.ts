import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { JobsClient, localSystemClientOptions, type JobView } from '@async-jobs/client';
import { builtConsoleDir, consoleHandler, environmentConsoleBackend, startConsoleServer } from '@async-jobs/console';
import { RunningLocalSystem } from '@async-jobs/local-services';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, expectCount, expectText, launchChromium, SCREENSHOTS } from './browser';

/**
 * The console in a real browser (Debian's Chromium, driven by playwright-core) against the whole local system with
 * --auth: every page is used as a person would, by its labels and roles, checked by axe-core, and saved as a
 * screenshot under dist/test-artifacts/console.
 */
describe('the console (npm start, /console/)', () => {
  let system: RunningLocalSystem;
  let browser: Browser;
  let page: Page;
  let alice: JobsClient;
  let bob: JobsClient;
  let ops: JobsClient;
  const pageErrors: string[] = [];
  const consoleUrl = (hash = '') => `${system.apiUrl.replace('127.0.0.1', 'localhost')}/console/${hash}`;
  const statusOf = (p: Page) => p.locator('.status-line [data-status]').first();
  const actAs = async (name: string) => {
    if ((await page.getByLabel('Act as').inputValue()) === name) return;
    await page.getByLabel('Act as').selectOption(name);
    await page
      .getByRole('status')
      .filter({ hasText: `Acting as ${name}` })
      .waitFor();
  };
  /** Opens a page of the console as one of the principals (the choice is kept by the browser across pages). */
  const open = async (hash: string, as: 'alice' | 'bob' | 'ops') => {
    await page.goto(consoleUrl(hash));
    await actAs(as);
  };
  /** How many rows the jobs page's first page shows for a query: every matching job, read to the end, up to its 25. */
  const firstPage = async (client: JobsClient, query: Parameters<JobsClient['listJobs']>[0] = {}) => {
    let count = 0;
    let nextToken: string | undefined;
    do {
      const page = await client.listJobs({ ...query, limit: 100, ...(nextToken ? { nextToken } : {}) });
      count += page.jobs.length;
      nextToken = page.nextToken;
    } while (nextToken && count < 25);
    return Math.min(count, 25);
  };
  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const containing = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const expectAccessible = async () => expect(await accessibilityViolations(page)).toEqual([]);

  beforeAll(async () => {
    system = await RunningLocalSystem.start(['--auth', '--faults']);
    const as = (principal: string) =>
      new JobsClient({ ...localSystemClientOptions({ principal, stateFile: system.stateFile }), maxAttempts: 1 });
    [alice, bob, ops] = [as('alice'), as('bob'), as('ops')];
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) pageErrors.push(message.text());
    });
    await page.goto(consoleUrl());
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
  });
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    system?.cleanUp();
  });

  it('is served where npm start says, and its server signs only for its own page', async () => {
    expect(system.output).toContain(`${system.apiUrl.replace('127.0.0.1', 'localhost')}/console/`);
    const session = `${system.apiUrl}/console/api/session`;
    const asked = (headers: Record<string, string>) => fetch(session, { headers }).then((r) => r.status);
    expect(await asked({ 'x-async-jobs-console': '1' })).toBe(200);
    // A cross-site page can send neither the header (without a preflight the console never answers) nor its own origin.
    expect(await asked({})).toBe(403);
    expect(await asked({ 'x-async-jobs-console': '1', origin: 'https://evil.example' })).toBe(403);
    expect(await asked({ 'x-async-jobs-console': '1', 'sec-fetch-site': 'cross-site' })).toBe(403);
    // fetch sends its own Host: a rebound name is sent as a browser would, with node:http.
    const rebound = await new Promise<number | undefined>((resolve, reject) =>
      get(session, { headers: { host: 'evil.example', 'x-async-jobs-console': '1' } }, (res) => (res.resume(), resolve(res.statusCode))).on(
        'error',
        reject,
      ),
    );
    expect(rebound).toBe(403);
    const page = await fetch(`${system.apiUrl}/console/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('submits from the form generated from the schema, shows the API’s errors on their fields, and watches the job go PENDING → RUNNING → SUCCEEDED', async () => {
    await open('#/submit?type=sleep', 'alice');
    const before = (await alice.listJobs({ limit: 100 })).jobs.length;
    const seconds = page.getByLabel('seconds (required)');
    await seconds.fill('0');
    await page.getByRole('button', { name: 'Submit job' }).click();

    await expectText(page.locator('#error-input-seconds'), 'OUT_OF_RANGE: must be >= 1');
    expect(await seconds.getAttribute('aria-invalid')).toBe('true');
    expect(await seconds.getAttribute('aria-describedby')).toBe('hint-input-seconds error-input-seconds');
    await expectText(page.locator('main [role=alert]'), containing('/input/seconds'));
    expect((await alice.listJobs({ limit: 100 })).jobs).toHaveLength(before);
    await expectAccessible();
    await screenshot('submit-errors');

    // Every status the job page shows, in order, from the moment the form is sent.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const status = document.querySelector<HTMLElement>('.status-line [data-status]')?.dataset['status'];
        if (status && seen[seen.length - 1] !== status) seen.push(status);
      }).observe(document.body, { subtree: true, childList: true });
    });
    await seconds.fill('3');
    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.waitForURL(/#\/jobs\/[0-9a-f-]{36}$/);
    await expectText(statusOf(page), 'SUCCEEDED', 30_000);

    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual(['PENDING', 'RUNNING', 'SUCCEEDED']);
    const jobId = decodeURIComponent(page.url().split('#/jobs/')[1]);
    expect((await alice.getJob(jobId)).status).toBe('SUCCEEDED');
    for (const consumer of ['a', 'b']) {
      const events = await page
        .getByRole('list', { name: `Consumer ${consumer} timeline` })
        .getByRole('listitem')
        .allTextContents();
      expect(events[0]).toMatch(/Created$/);
      expect(events.some((e) => /Claimed$/.test(e))).toBe(true);
      expect(events[events.length - 1]).toMatch(/Succeeded$/);
    }
    await expectText(page.locator('pre.result').first(), JSON.stringify({ sleptSeconds: 3 }, null, 2));
    await page.getByText('Raw view (JSON)').click();
    expect(JSON.parse((await page.locator('pre.raw').textContent()) ?? '')).toMatchObject({ jobId, status: 'SUCCEEDED' });
    await expectAccessible();
    await screenshot('job');
  });

  it('cancels a running job, after asking', async () => {
    const { jobId } = await alice.submitJob({ type: 'sleep', input: { seconds: 60 } });
    await open(`#/jobs/${jobId}`, 'alice');
    await expectText(statusOf(page), 'RUNNING', 15_000);
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Cancel job' }).click();

    await expectText(statusOf(page), 'CANCELLED');
    expect(asked).toBe(`Cancel job ${jobId}? Its runs stop at their next heartbeat.`);
    expect(await alice.getJob(jobId)).toMatchObject({ status: 'CANCELLED', cancelledBy: 'arn:aws:iam::123456789012:user/alice' });
    await expectCount(page.getByRole('button', { name: 'Cancel job' }), 0);
    await expectText(page.getByRole('list', { name: 'Consumer a timeline' }), containing('by arn:aws:iam::123456789012:user/alice'));
  });

  it('groups failures by reason, shows the reason, and retries a failed job, then a whole group, to success', async () => {
    // Each fails its first three attempts: all of its first round, so it ends FAILED; a retry's next attempt succeeds.
    const ids = await Promise.all([0, 1].map(async () => (await alice.submitJob({ type: 'flaky', input: { failures: 3 } })).jobId));
    for (const id of ids) expect((await alice.waitFor(id, { pollMs: 200, timeoutMs: 30_000 })).status).toBe('FAILED');
    await open('#/failures', 'alice');

    const group = page.locator('.failure-group[data-code="ATTEMPTS_EXHAUSTED"]');
    await expectText(group.getByRole('heading'), 'ATTEMPTS_EXHAUSTED 2 jobs');
    await expectText(group.locator('.reason'), /^Attempt 3 of 3 failed: JOB_RUN_ERROR: attempt 3 fails on purpose/);
    await page.getByText('Only operators see the failed-events archive').waitFor();
    await expectAccessible();
    await screenshot('failures');
    await group.locator(`a[href="#/jobs/${ids[0]}"]`).click();

    await expectText(statusOf(page), 'FAILED');
    await expectText(page.locator('.error-reason').first(), containing('ATTEMPTS_EXHAUSTED: Attempt 3 of 3 failed'));
    await page.getByRole('button', { name: 'Retry failed consumers' }).click();
    await expectText(statusOf(page), 'SUCCEEDED', 30_000);
    const job = await alice.getJob(ids[0]);
    expect(Object.values(job.consumers).map((c) => [c.status, c.attempts])).toEqual([
      ['SUCCEEDED', 4],
      ['SUCCEEDED', 4],
    ]);

    await open('#/failures', 'alice');
    await expectText(group.getByRole('heading'), 'ATTEMPTS_EXHAUSTED 1 job');
    await group.getByRole('button', { name: 'Retry all 1' }).click();
    await expectText(page.getByRole('status'), '1 job sent to run again');
    expect((await alice.waitFor(ids[1], { pollMs: 200, timeoutMs: 30_000 })).status).toBe('SUCCEEDED');
    await expectCount(group, 0, 15_000);
  });

  it("shows each caller its own jobs only, and an operator every owner's; a foreign id answers as a missing one", async () => {
    const { jobId: bobs } = await bob.submitJob({ type: 'noop', input: {} });
    await bob.waitFor(bobs, { pollMs: 200 });
    await alice.submitJob({ type: 'noop', input: {} });
    await open('#/jobs', 'alice');
    await page.locator('tr[data-job-id]').first().waitFor();
    await expectCount(page.locator(`tr[data-job-id="${bobs}"]`), 0);
    await page.getByLabel('Job id').fill(bobs);
    await page.getByRole('button', { name: 'Open' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), 'No such job');
    await expectText(page.locator('main [role=alert]'), containing('JOB_NOT_FOUND'));

    await open('#/jobs', 'ops');
    const row = page.locator(`tr[data-job-id="${bobs}"]`);
    await row.waitFor();
    await expectText(row.locator('.owner'), 'arn:aws:iam::123456789012:role/async-jobs-local-callers-invoke');
    const bobsRole = 'arn:aws:iam::123456789012:role/async-jobs-local-callers-invoke';
    await page.getByLabel('Owner').fill(bobsRole);
    await page.getByLabel('Owner').press('Enter');
    await page.waitForURL(/#\/jobs\?owner=/);
    await expectCount(page.locator('tr[data-job-id]'), await firstPage(ops, { owner: bobsRole }));
    expect(new Set(await page.locator('tr[data-job-id] .owner').allTextContents())).toEqual(new Set([bobsRole]));
    await page.getByLabel('Owner').fill('');
    await page.getByLabel('Owner').press('Enter');
    await page.waitForURL(/#\/jobs$/);
    await page.getByLabel('Type').selectOption('noop');
    await page.waitForURL(/#\/jobs\?type=noop$/);
    await expectCount(page.locator('tr[data-job-id]'), await firstPage(ops, { type: 'noop' }));
    await page.getByLabel('Type').selectOption('');
    await page.getByLabel('Status').selectOption('SUCCEEDED');
    await page.waitForURL(/#\/jobs\?status=SUCCEEDED$/);
    await expectCount(page.locator('tr[data-job-id]'), await firstPage(ops, { status: 'SUCCEEDED' }));
    expect(new Set(await page.locator('tr[data-job-id] td:nth-child(3)').allTextContents())).toEqual(new Set(['SUCCEEDED']));
    await page.getByLabel('Status').selectOption('');
    await expectCount(page.locator('tr[data-job-id]'), await firstPage(ops));
    await expectAccessible();
    await screenshot('jobs');
  });

  it('pages with Load more, and keeps every loaded row through the live refresh', async () => {
    await Promise.all(Array.from({ length: 30 }, () => bob.submitJob({ type: 'noop', input: {} })));
    const total = (await bob.listJobs({ limit: 100 })).jobs.length;
    await open('#/jobs', 'bob');
    await expectCount(page.locator('tr[data-job-id]'), 25);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expectCount(page.locator('tr[data-job-id]'), Math.min(total, 50));
    const shown = await page.locator('tr[data-job-id]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['jobId']));
    expect(new Set(shown).size).toBe(shown.length);
    // Two live refreshes later, the same rows, none lost.
    for (let refresh = 0; refresh < 2; refresh++) {
      const before = await page.locator('#updated').textContent();
      await page.waitForFunction((text) => document.getElementById('updated')?.textContent !== text, before, { timeout: 10_000 });
    }
    expect(await page.locator('tr[data-job-id]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['jobId']))).toEqual(
      shown,
    );
  });

  it('keeps the list live: a job submitted elsewhere appears and finishes without a reload, and focus stays on its link', async () => {
    const { jobId: earlier } = await alice.submitJob({ type: 'noop', input: {} });
    await alice.waitFor(earlier, { pollMs: 200 });
    await open('#/jobs', 'alice');
    const first = page.locator('tr[data-job-id] a').first();
    await first.focus();
    const focused = await first.getAttribute('href');
    const { jobId } = await alice.submitJob({ type: 'sleep', input: { seconds: 3 } });
    const row = page.locator(`tr[data-job-id="${jobId}"]`);
    await row.waitFor({ timeout: 10_000 });
    // The list was redrawn with the new row; the focused link is the same job's.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe(focused);
    await expectText(row.locator('td').nth(2), 'SUCCEEDED', 20_000);
  });

  it('replays a window of the failed-events archive to the error handler, which then records the failure', async () => {
    const before = await system.archivedEvents();
    await system.admin('faults', { errorHandler: 'Injected error handler failure' });
    let jobId: string;
    try {
      ({ jobId } = await alice.submitJob({ type: 'sleep', input: { seconds: 301 } }));
      // Both consumers' notices fail in the error handler three times each, then land on the bus and in the archive.
      await system.waitForArchived(before + 2);
    } finally {
      await system.admin('faults', { errorHandler: null });
    }
    expect(await system.archivedEvents()).toBeGreaterThanOrEqual(before + 2);
    expect((await alice.getJob(jobId)).status).toBe('RUNNING');

    await open('#/failures', 'ops');
    await expectText(page.locator('[data-archive-events]'), String(await system.archivedEvents()));
    await page.getByRole('button', { name: 'Replay window' }).click();
    await expectText(page.getByRole('status'), /^Replay async-jobs-local-console-\d+-[0-9a-f]{6} started$/);
    const name = ((await page.getByRole('status').textContent()) ?? '').split(' ')[1];
    await expectText(page.locator(`tr[data-replay="${name}"] .replay-state`), 'COMPLETED', 30_000);
    await expectAccessible();
    await screenshot('failures-replayed');

    await open(`#/jobs/${jobId}`, 'ops');
    await expectText(statusOf(page), 'FAILED', 30_000);
    await expectText(page.locator('.error-reason').first(), containing('SLEEP_TOO_LONG'));
  });

  it('refuses a reversed replay window on its field, and replays nothing', async () => {
    await open('#/failures', 'ops');
    await page.locator('tbody[data-loaded]').waitFor();
    const from = page.getByLabel('From', { exact: true });
    const to = page.getByLabel('To', { exact: true });
    await from.fill('2026-01-02T10:00:00');
    await to.fill('2026-01-02T09:00:00');
    const replays = await page.locator('tr[data-replay]').count();
    await page.getByRole('button', { name: 'Replay window' }).click();
    await expectText(page.locator('.field-error[role=alert]'), 'EMPTY_WINDOW: to: to must be after from');
    await expectCount(page.locator('tr[data-replay]'), replays);
    expect([await from.getAttribute('aria-invalid'), await to.getAttribute('aria-invalid')]).toEqual([null, 'true']);
    expect(await to.getAttribute('aria-describedby')).toBe('replay-error');
  });

  it('counts the last hour by status per type, as a chart and a table that agree with the API', async () => {
    const { jobId } = await ops.submitJob({ type: 'noop', input: {} });
    await ops.waitFor(jobId, { pollMs: 200 });
    // Only once nothing runs: finished jobs' counts cannot move while the page draws.
    const deadline = Date.now() + 30_000;
    let all = (await ops.listJobs({ limit: 100 })).jobs;
    while (all.some((j) => j.status === 'PENDING' || j.status === 'RUNNING') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      all = (await ops.listJobs({ limit: 100 })).jobs;
    }
    const expected = (type: string, status: JobView['status']) => all.filter((j) => j.type === type && j.status === status).length;
    await open('#/overview', 'ops');
    const types = [...new Set(all.map((j) => j.type))];
    for (const type of types)
      for (const status of ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const)
        await expectText(page.locator(`tr[data-type="${type}"] td[data-status="${status}"]`), String(expected(type, status)));
    const noopStatuses = (['SUCCEEDED', 'FAILED', 'CANCELLED'] as const).filter((s) => expected('noop', s) > 0).length;
    await expectCount(page.locator('svg g[data-type="noop"] rect'), noopStatuses);
    await expectAccessible();
    await screenshot('overview');
  });

  it("serves a deployed environment's console to the page opened at its printed address only, signing as the user", async () => {
    const key = system.state.principals?.find((p) => p.name === 'alice');
    const { jobId } = await alice.submitJob({ type: 'noop', input: {} });
    await alice.waitFor(jobId, { pollMs: 200 });
    // What the CLI's console command starts for an environment, with alice's keys standing in for the user's AWS credentials.
    const backend = await environmentConsoleBackend({
      environment: 'dev',
      endpoint: system.apiUrl,
      region: system.state.region,
      credentials: async () => ({ accessKeyId: key?.accessKeyId ?? '', secretAccessKey: key?.secretAccessKey ?? '' }),
    });
    const token = 'a-token-printed-with-the-address';
    const server = await startConsoleServer({
      port: 0,
      handler: consoleHandler({ assetsDir: builtConsoleDir(), backend, accessToken: token }),
      onError: () => undefined,
    });
    const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    const other = await browser.newPage();
    try {
      // Without the token the page cannot start.
      await other.goto(`${origin}/console/`);
      await expectText(other.locator('main [role=alert]'), containing('Open the console at the address it printed'));
      await other.goto(`${origin}/console/#token=${token}`);
      await other.locator(`tr[data-job-id="${jobId}"]`).waitFor();
      // The token left the address bar; the tab keeps it for its own calls.
      expect(new URL(other.url()).hash).toBe('#/jobs');
      await other.reload();
      await other.locator(`tr[data-job-id="${jobId}"]`).waitFor();
      expect(await other.locator('.identity').textContent()).toBe('the default AWS credentials of this shell');
    } finally {
      await other.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('can be driven from the keyboard: the skip link, then the form submitted with Enter', async () => {
    // A fresh load: focus starts at the top of the document.
    await page.goto('about:blank');
    await page.goto(consoleUrl('#/submit?type=noop'));
    await page.getByRole('button', { name: 'Submit job' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('skip');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.getByLabel('Job type').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.type('https://not-allowed.example/hook');
    await page.keyboard.press('Enter');
    await expectText(
      page.locator('#error-notify'),
      /^INVALID_VALUE: The host not-allowed\.example is not on this environment's allow-list/,
    );
    expect(await page.getByLabel('Notify URL (optional)').getAttribute('aria-invalid')).toBe('true');
  });
});
