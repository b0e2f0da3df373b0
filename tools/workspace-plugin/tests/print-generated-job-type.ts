/*
 * Runs the job-type generator over this workspace in its own Node process, as `nx g` runs it, and prints the
 * files it would write (a JSON object of path → content) instead of writing them: the tree is never flushed.
 * Its own process because formatFiles loads Prettier with a dynamic import(), which Jest's module runtime refuses.
 *
 *   node --require @swc-node/register tools/workspace-plugin/tests/print-generated-job-type.ts <name> <team>
 */
import { workspaceRoot } from '@nx/devkit';
import { FsTree } from 'nx/src/generators/tree';
import jobTypeGenerator from '../src/job-type/generator';

async function printGeneratedJobType(name: string, team: string): Promise<void> {
  const tree = new FsTree(workspaceRoot, false);
  await jobTypeGenerator(tree, { name, team, skipOpenApi: true });
  const written = tree.listChanges().filter((change) => change.type !== 'DELETE');
  process.stdout.write(JSON.stringify(Object.fromEntries(written.map((change) => [change.path, tree.read(change.path, 'utf-8')]))));
}

const [name, team] = process.argv.slice(2);
printGeneratedJobType(name, team).catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
