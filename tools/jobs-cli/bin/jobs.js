#!/usr/bin/env node
// Compiles the CLI's TypeScript with the workspace's path aliases (esbuild, a fraction of a second) and runs it.
const { join } = require('node:path');
const root = join(__dirname, '..', '..', '..');
process.chdir(process.env.INIT_CWD || process.cwd());
require('esbuild')
  .build({
    entryPoints: [join(root, 'tools/jobs-cli/src/main.ts')],
    outfile: join(root, 'dist/run/jobs-cli.js'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    tsconfig: join(root, 'tsconfig.base.json'),
    logLevel: 'error',
  })
  .then(() => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    return require(join(root, 'dist/run/jobs-cli.js')).run(process.argv.slice(2));
  })
  .then((code) => process.exit(code))
  .catch((error) => {
    process.stderr.write(`jobs: ${error.message}\n`);
    process.exit(3);
  });
