/*
 * Reads a JSON object of workspace path → content on stdin and prints which of those files Prettier would
 * check, and which of them it would reformat, with the config and the ignore file `nx format:check` uses.
 * Its own process because Prettier loads itself with a dynamic import(), which Jest's module runtime refuses.
 *
 *   node --require @swc-node/register tools/workspace-plugin/tests/print-unformatted-files.ts < files.json
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import * as prettier from 'prettier';

async function printUnformattedFiles(files: Record<string, string>): Promise<void> {
  const checked: string[] = [];
  const unformatted: string[] = [];
  for (const [file, content] of Object.entries(files)) {
    const filepath = join(workspaceRoot, file);
    const info = await prettier.getFileInfo(filepath, { ignorePath: join(workspaceRoot, '.prettierignore') });
    if (info.ignored || !info.inferredParser) continue;
    checked.push(file);
    if (!(await prettier.check(content, { ...(await prettier.resolveConfig(filepath)), filepath }))) unformatted.push(file);
  }
  process.stdout.write(JSON.stringify({ checked, unformatted }));
}

printUnformattedFiles(JSON.parse(readFileSync(0, 'utf8'))).catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
