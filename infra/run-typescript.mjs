// Runs one of infra's TypeScript entry points (the cdktf app, the rehearsal): esbuild compiles it
// with the workspace's path aliases into dist/infra, leaving npm packages to Node, and runs it.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node infra/run-typescript.mjs <entry.ts> [args…]');
  process.exit(2);
}
const outfile = resolve('dist/infra', `${basename(entry, '.ts')}.js`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  tsconfig: 'infra/tsconfig.json',
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.argv.splice(1, 2, outfile);
createRequire(import.meta.url)(outfile);
