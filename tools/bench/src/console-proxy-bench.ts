import { JobsClient, localSystemClientOptions } from '@async-jobs/client';
import { RunningLocalSystem } from '@async-jobs/local-services';
import type { BenchResult } from './bench-result';
import { median, round } from './statistics';

const ROUNDS = 200;
/** What the console's signing hop may add to a read, as a ratio of medians against the same read signed directly. */
const MAX_RATIO = 1.6;

async function timed(call: () => Promise<number>, expected: number): Promise<number> {
  const started = process.hrtime.bigint();
  const status = await call();
  if (status !== expected) throw new Error(`expected ${expected}, got ${status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * What the console's server costs a read: the page's calls go to it and it signs them again for the API. A job's GET,
 * its conditional poll (the job page's steady state, a 304) and a list page of 25, each through the console (as the
 * page sends them) and signed directly by the client (the baseline), interleaved, medians of 200, with --auth.
 */
export async function consoleProxyBench(): Promise<BenchResult> {
  const system = await RunningLocalSystem.start(['--auth']);
  try {
    const alice = new JobsClient({ ...localSystemClientOptions({ principal: 'alice', stateFile: system.stateFile }), maxAttempts: 1 });
    const jobs = await Promise.all(Array.from({ length: 25 }, () => alice.submitJob({ type: 'noop', input: {} })));
    for (const { jobId } of jobs) await alice.waitFor(jobId, { pollMs: 100 });
    const { jobId } = jobs[0];
    const etag = (await alice.send('GET', `jobs/${jobId}`)).headers.get('etag') ?? '';
    const consoleUrl = `${system.apiUrl.replace('127.0.0.1', 'localhost')}/console/api/`;
    const viaConsole =
      (path: string, headers: Record<string, string> = {}) =>
      async () => {
        const answer = await fetch(`${consoleUrl}${path}`, {
          headers: { 'x-async-jobs-console': '1', 'x-async-jobs-identity': 'alice', ...headers },
        });
        await answer.arrayBuffer();
        return answer.status;
      };
    const direct =
      (path: string, options: Parameters<JobsClient['send']>[2] = {}) =>
      async () => {
        const answer = await alice.send('GET', path, options);
        await answer.arrayBuffer();
        return answer.status;
      };
    const reads: Record<string, { console: () => Promise<number>; direct: () => Promise<number>; status: number }> = {
      get: { console: viaConsole(`jobs/${jobId}`), direct: direct(`jobs/${jobId}`), status: 200 },
      poll: {
        console: viaConsole(`jobs/${jobId}`, { 'if-none-match': etag }),
        direct: direct(`jobs/${jobId}`, { headers: { 'if-none-match': etag } }),
        status: 304,
      },
      list: { console: viaConsole('jobs?limit=25'), direct: direct('jobs', { query: { limit: '25' } }), status: 200 },
    };
    const samples = Object.fromEntries(Object.keys(reads).map((k) => [k, { console: [] as number[], direct: [] as number[] }]));
    for (let i = 0; i < ROUNDS; i++) {
      for (const [name, read] of Object.entries(reads)) {
        // Alternate which goes first, so that neither always meets a warm or a cold connection.
        for (const way of i % 2 ? (['console', 'direct'] as const) : (['direct', 'console'] as const))
          samples[name][way].push(await timed(read[way], read.status));
      }
    }
    const figures: BenchResult['figures'] = { rounds: ROUNDS };
    const ratios: Record<string, number> = {};
    for (const name of Object.keys(reads)) {
      const [c, d] = [median(samples[name].console), median(samples[name].direct)];
      figures[`${name} median ms`] = { console: round(c), direct: round(d) };
      ratios[name] = c / d;
    }
    figures['console / direct'] = Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round(v)]));
    return {
      name: 'console-proxy',
      figures,
      targets: [
        {
          name: "the console's signing hop costs a read little",
          goal: `median ratio console / direct ≤ ${MAX_RATIO} for a GET, a conditional poll and a list page`,
          met: Object.values(ratios).every((r) => r <= MAX_RATIO),
        },
      ],
      notes: [
        'Through the console a read is one more local HTTP hop (the page to the console, which signs and forwards it); the signing and the API’s work are the same either way.',
        'The conditional poll is what an open job page costs while nothing changes: a 304 with no body, every second.',
      ],
    };
  } finally {
    await system.stop();
    system.cleanUp();
  }
}
