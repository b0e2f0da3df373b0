import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BenchResult } from './bench-result';
import { median, round } from './statistics';

const APPS = ['jobs-api', 'stream-processor', 'error-handler', 'job-sweeper', 'job-runner'];
const RUNS = 21;
/** Issue #16: every bundle loads within 1.1× the SDK's own floor. */
const TARGET_RATIO = 1.1;
const FLOOR_DIR = 'dist/bench/cold-start-floor';

/** The SDK's own floor: a minimal handler of the same DynamoDB client, bundled with the apps' esbuild options (nx.json). */
async function buildFloor(): Promise<string> {
  mkdirSync(FLOOR_DIR, { recursive: true });
  const entry = join(FLOOR_DIR, 'main.ts');
  writeFileSync(
    entry,
    [
      "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
      'const client = new DynamoDBClient({});',
      "export const handler = async () => client.send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'x' } } }));",
    ].join('\n'),
  );
  const outfile = join(process.cwd(), FLOOR_DIR, 'main.js');
  const apps = appBuildOptions();
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: apps.platform,
    target: apps.target,
    format: 'cjs',
    minify: apps.minify,
    mainFields: apps.esbuildOptions.mainFields,
    legalComments: apps.esbuildOptions.legalComments,
    logLevel: 'silent',
  });
  return outfile;
}

/** The options every app bundle is built with: nx.json's target defaults for @nx/esbuild. */
function appBuildOptions(): {
  platform: 'node';
  target: string;
  minify: boolean;
  esbuildOptions: { mainFields?: string[]; legalComments?: 'none' };
} {
  const nx = JSON.parse(readFileSync('nx.json', 'utf8')) as { targetDefaults: Record<string, { options: never }> };
  return nx.targetDefaults['@nx/esbuild:esbuild'].options;
}

/** A fresh process that requires the bundle: its wall time, and the require() alone, in ms. */
function loadMs(bundle: string): { wall: number; init: number } {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const { ms, out } = timeNode(['-e', script]);
  return { wall: ms, init: Number(out) };
}

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
    mainFields: appBuildOptions().esbuildOptions.mainFields,
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
 * Cold start: each app bundle's size (raw, gzip) and how long a fresh Node process takes to load it, against the
 * SDK's floor (a minimal bundle of the same DynamoDB client, built the same way) loaded in the same run, right
 * before it: paired runs, the median of the ratios of 21 pairs, so that the machine's drift cancels out.
 */
export async function coldStartBench(): Promise<BenchResult> {
  const floorBundle = await buildFloor();
  const floor: number[] = [];
  const ratios: Record<string, number[]> = Object.fromEntries(APPS.map((app) => [app, []]));
  const init: Record<string, number[]> = Object.fromEntries(APPS.map((app) => [app, []]));
  const wall: Record<string, number[]> = Object.fromEntries(APPS.map((app) => [app, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const app of APPS) {
      const base = loadMs(floorBundle);
      const loaded = loadMs(join(process.cwd(), 'dist/apps', app, 'main.js'));
      floor.push(base.wall);
      init[app].push(loaded.init);
      wall[app].push(loaded.wall);
      ratios[app].push(loaded.wall / base.wall);
    }
  }
  const figures: BenchResult['figures'] = {
    'SDK floor: a fresh process loading a minimal DynamoDB client bundle, ms (median)': round(median(floor), 1),
    'SDK floor size KiB': Math.round(statSync(floorBundle).size / 1024),
  };
  const targets: BenchResult['targets'] = [];
  for (const app of APPS) {
    const bundle = join(process.cwd(), 'dist/apps', app, 'main.js');
    const ratio = median(ratios[app]);
    figures[app] = {
      'size KiB': Math.round(statSync(bundle).size / 1024),
      'gzip KiB': Math.round(gzipSync(readFileSync(bundle)).byteLength / 1024),
      'process to a loaded handler, ms (median)': round(median(wall[app]), 1),
      'of which require(), ms (median)': round(median(init[app]), 1),
      'ratio to the SDK floor (median of pairs)': round(ratio),
    };
    figures[`${app} largest parts (KiB)`] = await composition(app);
    targets.push({
      name: `${app} cold start`,
      goal: `≤ ${TARGET_RATIO}× the SDK floor (measured ${round(ratio)}×)`,
      met: ratio <= TARGET_RATIO,
    });
  }
  return {
    name: 'cold-start',
    figures,
    targets,
    notes: ["Load time: require() of the bundle in a fresh node process, timed inside it (Node's own start excluded)."],
  };
}
