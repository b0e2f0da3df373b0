import { execFileSync } from 'node:child_process';
import { commandExists, ManagedProcess } from './managed-process';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ManagedProcess', () => {
  it('stops the whole process group it started, grandchildren included', async () => {
    const parent = ManagedProcess.start('shell', 'bash', ['-c', 'sleep 60 & echo $!; wait']);
    const grandchild = await new Promise<number>((resolve) => {
      const timer = setInterval(() => {
        const pid = Number(parent.recentOutput().trim());
        if (pid) {
          clearInterval(timer);
          resolve(pid);
        }
      }, 20);
    });
    expect(isRunning(grandchild)).toBe(true);

    await parent.stop();

    expect(parent.alive).toBe(false);
    // The grandchild was signalled with the group; give the kernel a moment to reap it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const state = (() => {
      try {
        return execFileSync('ps', ['-o', 'stat=', '-p', String(grandchild)]).toString().trim();
      } catch {
        return 'gone';
      }
    })();
    expect(['gone', 'Z']).toContain(state.startsWith('Z') ? 'Z' : state);
  });

  it('tells whether a command exists, for a clear message before spawning', () => {
    expect(commandExists('node')).toBe(true);
    expect(commandExists('no-such-command-anywhere')).toBe(false);
  });
});
