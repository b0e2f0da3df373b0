import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
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

  it('stops what it started when its owner dies without cleaning up (SIGKILL)', async () => {
    // An owner process that starts a service through ManagedProcess, prints its pid, and is then killed hard.
    const script = `
      require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
      const { ManagedProcess } = require(${JSON.stringify(join(__dirname, 'managed-process.ts'))});
      const service = ManagedProcess.start('sleeper', 'bash', ['-c', 'echo $$; sleep 60']);
      setInterval(() => { const pid = Number(service.recentOutput().trim()); if (pid) { console.log(pid); } }, 50);
    `;
    const owner = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const servicePid = await new Promise<number>((resolve) => {
      let out = '';
      owner.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l, i, all) => i < all.length - 1 && /^\d+$/.test(l)); // a whole line only
        if (line) resolve(Number(line));
      });
    });
    expect(isRunning(servicePid)).toBe(true);

    owner.kill('SIGKILL');

    for (let i = 0; i < 100 && isRunning(servicePid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isRunning(servicePid)).toBe(false);
  }, 30_000); // starting an owner under ts-node takes seconds on a busy machine

  it('tells whether a command exists, for a clear message before spawning', () => {
    expect(commandExists('node')).toBe(true);
    expect(commandExists('no-such-command-anywhere')).toBe(false);
  });
});
