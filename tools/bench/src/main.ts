import { report, type BenchResult } from './bench-result';
import { coldStartBench } from './cold-start-bench';
import { consoleProxyBench } from './console-proxy-bench';
import { contentionBench } from './contention-bench';
import { longThroughputBench } from './long-throughput-bench';
import { mixedLoadBench } from './mixed-load-bench';
import { opsPerJobBench } from './ops-per-job-bench';
import { ownerRefusalBench } from './owner-refusal-bench';
import { pipelineBench } from './pipeline-bench';

const BENCHMARKS: Record<string, () => Promise<BenchResult>> = {
  'cold-start': coldStartBench,
  'ops-per-job': opsPerJobBench,
  contention: contentionBench,
  pipeline: pipelineBench,
  'owner-refusal': ownerRefusalBench,
  'mixed-load': mixedLoadBench,
  'long-throughput': longThroughputBench,
  'console-proxy': consoleProxyBench,
};

/** `npm run bench` runs them all; `npm run bench -- pipeline contention` runs those. */
async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = asked.filter((name) => !(name in BENCHMARKS));
  if (unknown.length) throw new Error(`Unknown benchmark(s) ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  const names = asked.length ? asked : Object.keys(BENCHMARKS);
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  for (const name of names) {
    const started = Date.now();
    process.stdout.write(`running ${name}…\n`);
    report(await BENCHMARKS[name]());
    process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
