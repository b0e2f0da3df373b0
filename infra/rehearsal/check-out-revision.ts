import { existsSync, lstatSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command';

export interface RevisionCheckout {
  /** The worktree's folder. */
  readonly dir: string;
  readonly commit: string;
  /** `<short sha> <subject>`, cut at 100 characters, for the log. */
  readonly summary: string;
  /** Removes the worktree (never the node_modules it borrowed) and prunes git's record of it. */
  remove(): Promise<void>;
}

/**
 * Checks `revision` of the repository at `repoDir` out into a detached worktree at `dir`, with the
 * repository's node_modules linked in so that its nx, esbuild and cdktf run without an install.
 * A revision this clone does not have is an error that says why, a shallow clone included.
 */
export async function checkOutRevision(revision: string, dir: string, repoDir: string): Promise<RevisionCheckout> {
  const git = (...args: string[]) => runCommand('git', args, { cwd: repoDir }).then((out) => out.trim());
  const commit = await git('rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`).catch(() => undefined);
  if (!commit) {
    const shallow = (await git('rev-parse', '--is-shallow-repository').catch(() => 'false')) === 'true';
    throw new Error(
      shallow
        ? `${revision} is not in this clone: it is shallow. Fetch the history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)`
        : `${revision} names no commit of this repository`,
    );
  }
  const line = await git('log', '-1', '--format=%h %s', commit);
  const summary = line.length > 100 ? `${line.slice(0, 99)}…` : line;

  const nodeModules = join(repoDir, 'node_modules');
  if (!existsSync(nodeModules)) throw new Error(`${nodeModules} does not exist: run npm ci first`);
  await git('worktree', 'add', '--detach', dir, commit);
  const linkedNodeModules = join(dir, 'node_modules');
  const remove = async () => {
    // Unlinked first, so that nothing that removes the worktree can reach into the real node_modules.
    if (lstatSync(linkedNodeModules, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(linkedNodeModules);
    await git('worktree', 'remove', '--force', dir).catch(() => rmSync(dir, { recursive: true, force: true }));
    await git('worktree', 'prune');
  };
  try {
    symlinkSync(nodeModules, linkedNodeModules, 'dir');
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, commit, summary, remove };
}
