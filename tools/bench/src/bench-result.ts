import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Target {
  name: string;
  goal: string;
  met: boolean;
}

export interface BenchResult {
  name: string;
  figures: Record<string, number | string | Record<string, number | string>>;
  targets: Target[];
  notes?: string[];
}

/** The machine a run measured, written with every result: numbers mean little without it. */
export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

/** Writes `bench/results/<name>.json` and prints a short human summary. */
export function report(result: BenchResult): void {
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${result.name}.json`), JSON.stringify({ ...result, machine: machine(), at: new Date().toISOString() }, null, 2));
  const lines = [`\n== ${result.name}`];
  for (const [key, value] of Object.entries(result.figures))
    lines.push(`  ${key}: ${typeof value === 'object' ? JSON.stringify(value) : value}`);
  for (const target of result.targets) lines.push(`  target ${target.met ? 'MET    ' : 'NOT MET'} ${target.name}: ${target.goal}`);
  for (const note of result.notes ?? []) lines.push(`  note: ${note}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
