#!/usr/bin/env node
// Runs the CLI's bundle, written by `npx nx run jobs-cli:build` (`npm run jobs` builds it first, from Nx's cache when nothing changed).
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const bundle = join(root, 'dist/tools/jobs-cli/main.js');
const BUILD = 'npx nx run jobs-cli:build';

// A fresh clone has no bundle yet: build it once rather than fail the first command. Nx's output goes to
// stderr so that stdout stays the command's own (--json).
if (!existsSync(bundle)) {
  process.stderr.write(`jobs: the CLI is not built yet; building it (${BUILD})\n`);
  const nx = require.resolve('nx/bin/nx.js', { paths: [root] });
  const build = spawnSync(process.execPath, [nx, 'run', 'jobs-cli:build', '--outputStyle=static-failures-only'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (build.status !== 0 || !existsSync(bundle)) {
    process.stderr.write(`jobs: building the CLI failed; run ${BUILD} and see why\n`);
    process.exit(2);
  }
}

process.chdir(process.env.INIT_CWD || process.cwd());
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require(bundle)
  .run(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error) => {
    process.stderr.write(`jobs: ${error.message}\n`);
    process.exit(3);
  });
