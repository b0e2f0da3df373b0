import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleExportJobType } from '@async-jobs/domain';
import { aRunContext } from '@async-jobs/testing';
import { freePort, RunningLocalSystem } from '@async-jobs/local-services';
import { EXIT, progressBar, run } from './main';

describe('the jobs CLI against the local system', () => {
  let system: RunningLocalSystem;
  const jobs = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await run([...args, '--endpoint', system.apiUrl, '--state-file', system.stateFile], (text) => lines.push(text));
    return { code, out: lines.join('\n') };
  };

  beforeAll(async () => {
    system = await RunningLocalSystem.start(['--auth']);
  });
  afterAll(async () => {
    await system?.stop();
    system?.cleanUp();
  });

  it('submits, shows progress while waiting, and ends with the result (exit 0)', async () => {
    const { code, out } = await jobs('submit', '--seconds', '1', '--wait');
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/^submitted [0-9a-f-]{36}/);
    // Only a progress line starts with the time of day; the one-second job is still unfinished at the first poll.
    const progress = /^\d\d:\d\d:\d\d {2}(PENDING|RUNNING) +a: [A-Z]+ {2}b: [A-Z]+$/;
    const lines = out.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(progress));
    // ...printed while waiting, before the summary.
    expect(lines.findIndex((line) => progress.test(line))).toBeLessThan(lines.findIndex((line) => line.endsWith(' (sleep) SUCCEEDED')));
    expect(out).toMatch(/a: SUCCEEDED {"sleptSeconds":1}/);
  });

  it('draws a progress bar per consumer while a run reports how far it is', async () => {
    const { code, out } = await jobs('submit', '--seconds', '5', '--wait');
    expect(code).toBe(EXIT.ok);
    // A 5 s sleep reports every second; each lease renewal (every 2 s locally) stores the latest, and each new version is a line.
    const bar = /a: RUNNING \[#*-*\] (\d+)% slept (\d) of 5 s/;
    const drawn = out.split('\n').filter((line) => bar.test(line));
    expect(drawn.length).toBeGreaterThan(0);
    const percents = drawn.map((line) => Number(bar.exec(line)?.[1]));
    expect(percents.some((p) => p > 0 && p < 100)).toBe(true);
    expect(out).toMatch(/a: SUCCEEDED {"sleptSeconds":5}/);
  });

  it('downloads a 2 MiB result to --output, byte for byte, drawing its progress on stderr', async () => {
    const { out: submitted } = await jobs(
      'submit',
      '--type',
      'sample-export',
      '--input',
      '{"kilobytes":2048}',
      '--wait',
      '--timeout',
      '60',
    );
    const jobId = /^submitted ([0-9a-f-]{36})/.exec(submitted)?.[1] as string;
    expect(submitted).toMatch(new RegExp(`a: SUCCEEDED result of 2\\.0 MiB stored: get ${jobId} --output <file> downloads it`));
    const output = join(mkdtempSync(join(tmpdir(), 'cli-')), 'export.json');
    const stderr: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
    let result;
    try {
      result = await jobs('get', jobId, '--output', output, '--consumer', 'b');
    } finally {
      write.mockRestore();
    }

    const expected = Buffer.from(JSON.stringify(await sampleExportJobType.run({ kilobytes: 2048 }, aRunContext())), 'utf8');
    expect(result.code).toBe(EXIT.ok);
    expect(readFileSync(output).equals(expected)).toBe(true);
    expect(existsSync(`${output}.part`)).toBe(false);
    expect(result.out).toBe(`wrote 2.0 MiB (${expected.byteLength} bytes), consumer b's result, to ${output}`);
    // Not a terminal here: a line per tenth, ending whole.
    const bars = stderr.join('').split('\n').filter(Boolean);
    expect(bars.length).toBeGreaterThanOrEqual(2);
    expect(bars[bars.length - 1]).toBe('[##########] 100% 2.0 MiB of 2.0 MiB');
  });

  it('writes an inline result to --output too, and says when there is no result to write (exit 1)', async () => {
    const { out: submitted } = await jobs('submit', '--seconds', '1', '--wait');
    const jobId = /^submitted ([0-9a-f-]{36})/.exec(submitted)?.[1] as string;
    const output = join(mkdtempSync(join(tmpdir(), 'cli-')), 'result.json');
    expect((await jobs('get', jobId, '--output', output)).code).toBe(EXIT.ok);
    expect(readFileSync(output, 'utf8')).toBe('{"sleptSeconds":1}');

    const { out: failing } = await jobs('submit', '--seconds', '301', '--wait');
    const failed = /^submitted ([0-9a-f-]{36})/.exec(failing)?.[1] as string;
    const stderr: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
    try {
      expect((await jobs('get', failed, '--output', join(tmpdir(), 'never.json'))).code).toBe(EXIT.jobDidNotSucceed);
    } finally {
      write.mockRestore();
    }
    expect(stderr.join('')).toBe(`jobs: Job ${failed} has no result: no consumer SUCCEEDED (the job is FAILED)\n`);
    expect(existsSync(join(tmpdir(), 'never.json'))).toBe(false);
    expect(existsSync(join(tmpdir(), 'never.json.part'))).toBe(false);
  });

  it('draws ten cells, a tenth each', () => {
    expect([0, 9.9, 10, 55, 100].map(progressBar)).toEqual([
      '[----------] 0%',
      '[----------] 10%',
      '[#---------] 10%',
      '[#####-----] 55%',
      '[##########] 100%',
    ]);
  });

  it('retries only a job that ended FAILED: another is refused with NOTHING_TO_RETRY (exit 3)', async () => {
    const submitted = JSON.parse((await jobs('submit', '--seconds', '1', '--wait', '--json')).out.split('\n').pop() ?? '{}');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const refused = await jobs('retry', submitted.jobId);
      expect(refused.code).toBe(EXIT.api);
      expect(stderr.mock.calls.map(([text]) => String(text)).join('')).toContain('only a job that ended FAILED can be retried');
    } finally {
      stderr.mockRestore();
    }
  });

  it('lists, gets and cancels, with JSON for scripts', async () => {
    const submitted = JSON.parse((await jobs('submit', '--type', 'sleep', '--input', '{"seconds":5}', '--json')).out);
    const cancelled = await jobs('cancel', submitted.jobId, '--json');
    expect(JSON.parse(cancelled.out).status).toBe('CANCELLED');
    const listed = await jobs('list', '--status', 'CANCELLED', '--json');
    expect(JSON.parse(listed.out).jobs.map((j: { jobId: string }) => j.jobId)).toContain(submitted.jobId);
    const got = await jobs('get', submitted.jobId);
    expect(got.out).toContain(`job ${submitted.jobId} (sleep) CANCELLED`);
  });

  it('exits 1 when a waited job fails, 3 when the API refuses, 2 on usage errors', async () => {
    expect((await jobs('submit', '--seconds', '301', '--wait')).code).toBe(EXIT.jobDidNotSucceed);
    expect((await jobs('get', '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21')).code).toBe(EXIT.api);
    expect((await jobs('submit', '--seconds', '0')).code).toBe(EXIT.api);
    expect((await jobs('submit')).code).toBe(EXIT.usage);
    expect((await jobs('frobnicate')).code).toBe(EXIT.usage);
  });

  it('exits 4 when a watch times out', async () => {
    const { jobId } = JSON.parse((await jobs('submit', '--seconds', '3', '--json')).out);
    expect((await jobs('watch', jobId, '--timeout', '0.3')).code).toBe(EXIT.timeout);
  });

  it("serves a deployed environment's console on localhost, signing with the shell's AWS credentials, until stopped", async () => {
    const alice = system.state.principals?.find((p) => p.name === 'alice');
    const { jobId: alicesJob } = JSON.parse(
      (await jobs('submit', '--type', 'noop', '--input', '{}', '--json', '--principal', 'alice')).out,
    );
    const { jobId: bobsJob } = JSON.parse((await jobs('submit', '--type', 'noop', '--input', '{}', '--json', '--principal', 'bob')).out);
    const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_EVENTBRIDGE', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    // The SDK's default chain finds alice's keys in the environment, as it would a user's; the archive is moto's.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: alice?.accessKeyId,
      AWS_SECRET_ACCESS_KEY: alice?.secretAccessKey,
      AWS_ENDPOINT_URL_EVENTBRIDGE: system.state.motoEndpoint,
    });
    delete process.env['AWS_SESSION_TOKEN'];
    delete process.env['AWS_PROFILE'];
    const port = await freePort();
    const stop = new AbortController();
    const printed: string[] = [];
    const running = run(
      ['console', '--env', 'dev', '--endpoint', system.apiUrl, '--region', system.state.region, '--port', String(port)],
      (t) => printed.push(t),
      {
        stop: stop.signal,
      },
    );
    try {
      for (let i = 0; i < 50 && !printed.length; i++) await new Promise((r) => setTimeout(r, 100));
      const printedUrl = /^console of dev \(API (\S+)\) at (http:\/\/localhost:\d+\/console\/)#token=([\w-]{32})$/.exec(printed[0]);
      expect(printedUrl?.[1]).toBe(system.apiUrl);
      // Only a page that presents the printed address's token (the page keeps it in its session storage) may use the credentials.
      const withoutToken = await fetch(`http://localhost:${port}/console/api/session`, { headers: { 'x-async-jobs-console': '1' } });
      expect(withoutToken.status).toBe(403);
      expect((await fetch(printedUrl?.[2] ?? '')).status).toBe(200);
      const api = (path: string) =>
        fetch(`http://localhost:${port}/console/api/${path}`, {
          headers: { 'x-async-jobs-console': '1', 'x-async-jobs-console-token': printedUrl?.[3] ?? '' },
        });
      const listed = (await (await api('jobs?limit=100')).json()) as { jobs: { jobId: string }[] };
      expect(listed.jobs.map((j) => j.jobId)).toContain(alicesJob);
      expect(listed.jobs.map((j) => j.jobId)).not.toContain(bobsJob);
      // dev's archive is not on this moto: the refusal is passed on, named.
      expect(await (await api('archive')).json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect((await fetch(`http://localhost:${port}/console/`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    } finally {
      stop.abort();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(await running).toBe(EXIT.ok);
    await expect(fetch(`http://localhost:${port}/console/`)).rejects.toThrow();
  });

  it('runs as `npx async-jobs` from the repository', () => {
    const out = execFileSync('npx', ['async-jobs', 'list', '--endpoint', system.apiUrl, '--state-file', system.stateFile, '--json'], {
      cwd: join(__dirname, '../../..'),
      encoding: 'utf8',
    });
    expect(JSON.parse(out).jobs.length).toBeGreaterThan(0);
  });
});
