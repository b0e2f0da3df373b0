import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The built page (index.html, app.js, console.css), read once: only those files are served, never a path a request names. */
export function readConsoleAssets(dir: string): Map<string, { type: string; body: Buffer }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new Error(`The console is not built: ${dir} is missing (npx nx run console:build)`);
  }
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const name of names) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, { type, body: readFileSync(join(dir, name)) });
  }
  if (!assets.has('index.html') || !assets.has('app.js'))
    throw new Error(`The console is not built: ${dir} has no index.html and app.js (npx nx run console:build)`);
  return assets;
}

/**
 * Where the built page is: beside the bundle that runs this (dist/tools/<tool>/main.js → dist/tools/console), or, run
 * from the sources (tests), in the workspace's dist/.
 */
export function builtConsoleDir(): string {
  const candidates = [join(__dirname, '..', 'console'), join(__dirname, '..', '..', '..', '..', 'dist', 'tools', 'console')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}
