import { spawn } from 'node:child_process';

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a command to its end and resolves with its stdout; a non-zero exit rejects with the tail of
 * both streams, so a failing terraform or nx step explains itself in the error.
 */
export function runCommand(command: string, args: string[], options: RunCommandOptions = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolvePromise(out);
      reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${out.slice(-6000)}\n${err.slice(-6000)}`));
    });
  });
}

/**
 * Runs a command whose exit code is the answer (`terraform plan -detailed-exitcode`); prints the
 * tail of its output when that code is not 0.
 */
export function runCommandExitCode(command: string, args: string[], options: RunCommandOptions): Promise<number | null> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) console.error(out.slice(-8000));
      resolvePromise(code);
    });
  });
}
