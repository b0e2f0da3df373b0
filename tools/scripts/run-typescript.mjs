// Runs a workspace TypeScript entry point (the cdktf app, the rehearsal, the benchmarks): esbuild
// compiles it with the workspace's path aliases into dist/run, leaving npm packages to Node, and runs it.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node tools/scripts/run-typescript.mjs <entry.ts> [args…]');
  process.exit(2);
}
const outfile = resolve('dist/run', `${basename(dirname(resolve(entry)))}-${basename(entry, '.ts')}.js`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  tsconfig: 'tsconfig.base.json',
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.argv.splice(1, 2, outfile);
createRequire(import.meta.url)(outfile);
