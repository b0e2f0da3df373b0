import { execFileSync, spawn } from 'node:child_process';
import { commandExists, ManagedProcess } from './managed-process';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Gone, or a zombie waiting to be reaped: either way no longer running. */
function ended(pid: number): boolean {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)])
      .toString()
      .trim()
      .startsWith('Z');
  } catch {
    return true;
  }
}

/** The pid a `… & echo $!` command printed: the child it left running in the background. */
function printedPid(managed: ManagedProcess): Promise<number> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const pid = Number(managed.recentOutput().trim());
      if (pid) {
        clearInterval(timer);
        resolve(pid);
      }
    }, 20);
  });
}

describe('ManagedProcess', () => {
  it('stops the whole process group it started, grandchildren included', async () => {
    const parent = ManagedProcess.start('shell', 'bash', ['-c', 'sleep 60 & echo $!; wait']);
    const grandchild = await printedPid(parent);
    expect(isRunning(grandchild)).toBe(true);

    await parent.stop();

    expect(parent.alive).toBe(false);
    // The grandchild was signalled with the group; give the kernel a moment to reap it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ended(grandchild)).toBe(true);
  });

  it('ends the service within seconds when its owner dies without cleaning up (SIGKILL)', async () => {
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const service = ManagedProcess.start('orphan candidate', 'bash', ['-c', 'sleep 120 & echo $!; wait'], { owner: owner.pid });
    const pid = await printedPid(service);
    expect(isRunning(pid)).toBe(true);

    owner.kill('SIGKILL');

    // The watchdog looks every second; allow a busy machine several.
    for (let i = 0; i < 100 && service.alive; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(service.alive).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ended(pid)).toBe(true);
    await service.stop();
  });

  it('tells whether a command exists, for a clear message before spawning', () => {
    expect(commandExists('node')).toBe(true);
    expect(commandExists('no-such-command-anywhere')).toBe(false);
  });
});
