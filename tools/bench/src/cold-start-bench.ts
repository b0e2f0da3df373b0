import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BenchResult } from './bench-result';
import { median, round } from './statistics';

const APPS = ['jobs-api', 'stream-processor', 'error-handler', 'job-sweeper', 'job-runner'];
const RUNS = 21;
const TARGET_RATIO = 1.6;

/** Wall time of a fresh `node` process, in ms, and what it printed. */
function timeNode(args: string[]): { ms: number; out: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return { ms, out: result.stdout.trim() };
}

/** The bundle's biggest parts by package, from esbuild's own accounting. */
async function composition(app: string): Promise<Record<string, number>> {
  const { metafile } = await build({
    entryPoints: [`apps/${app}/src/main.ts`],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    write: false,
    metafile: true,
    tsconfig: `apps/${app}/tsconfig.app.json`,
    logLevel: 'silent',
  });
  const sizes: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, input] of Object.entries(output.inputs)) {
      const parts = file.replace(/^.*node_modules\//, '').split('/');
      const name = file.includes('node_modules/') ? (parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]) : 'our code';
      sizes[name] = (sizes[name] ?? 0) + input.bytesInOutput;
    }
  }
  return Object.fromEntries(
    Object.entries(sizes)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([k, v]) => [k, Math.round(v / 1024)]),
  );
}

/**
 * Cold start: each app bundle's size (raw, gzip) and the wall time of a fresh Node process that
 * loads it, against a bare `node -e 0` measured interleaved in the same run; medians of 21.
 */
export async function coldStartBench(): Promise<BenchResult> {
  const bare: number[] = [];
  const wall: Record<string, number[]> = Object.fromEntries(APPS.map((app) => [app, []]));
  const init: Record<string, number[]> = Object.fromEntries(APPS.map((app) => [app, []]));
  for (let run = 0; run < RUNS; run++) {
    bare.push(timeNode(['-e', '0']).ms);
    for (const app of APPS) {
      const bundle = join(process.cwd(), 'dist/apps', app, 'main.js');
      const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
      const { ms, out } = timeNode(['-e', script]);
      wall[app].push(ms);
      init[app].push(Number(out));
    }
  }
  const bareMedian = median(bare);
  const figures: BenchResult['figures'] = { 'bare node -e 0 (ms, median)': round(bareMedian, 1) };
  const targets: BenchResult['targets'] = [];
  for (const app of APPS) {
    const bundle = join(process.cwd(), 'dist/apps', app, 'main.js');
    const bytes = statSync(bundle).size;
    const ratio = median(wall[app]) / bareMedian;
    figures[app] = {
      'size KiB': Math.round(bytes / 1024),
      'gzip KiB': Math.round(gzipSync(readFileSync(bundle)).byteLength / 1024),
      'process wall ms (median)': round(median(wall[app]), 1),
      'module init ms (median)': round(median(init[app]), 1),
      'ratio to bare node': round(ratio),
    };
    figures[`${app} largest parts (KiB)`] = await composition(app);
    targets.push({
      name: `${app} cold start`,
      goal: `≤ ${TARGET_RATIO}× bare node (measured ${round(ratio)}×)`,
      met: ratio <= TARGET_RATIO,
    });
  }
  return { name: 'cold-start', figures, targets };
}
