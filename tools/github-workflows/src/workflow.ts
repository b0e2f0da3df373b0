import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** The repository's root, where `.github/` is. */
export const WORKSPACE = resolve(__dirname, '../../..');

/** Where GitHub reads the workflows from, relative to the root. */
export const WORKFLOWS_DIR = '.github/workflows';

export type Permissions = 'read-all' | 'write-all' | Record<string, 'read' | 'write' | 'none'>;

export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}

export interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string; url?: string };
  permissions?: Permissions;
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean | string };
  strategy?: { matrix?: Record<string, unknown>; 'fail-fast'?: boolean };
  env?: Record<string, string>;
  'timeout-minutes'?: number;
  steps?: Step[];
}

/** A workflow file as GitHub reads it (the parts these specs look at). */
export interface Workflow {
  /** Its path from the root, e.g. `.github/workflows/ci.yml`. */
  path: string;
  /** Its text, for what only a text search can say. */
  text: string;
  name?: string;
  on: Record<string, unknown>;
  permissions?: Permissions;
  concurrency?: Job['concurrency'];
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** Every workflow file, as paths from the root. */
export function workflowPaths(): string[] {
  return readdirSync(join(WORKSPACE, WORKFLOWS_DIR))
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => `${WORKFLOWS_DIR}/${file}`);
}

/** One workflow file, parsed (`on:` stays the key `on`: the YAML 1.2 core schema has no `on` boolean). */
export function readWorkflow(path: string): Workflow {
  const text = readFileSync(join(WORKSPACE, path), 'utf8');
  return { path, text, ...(parse(text) as Omit<Workflow, 'path' | 'text'>) };
}

/** A job's `needs`, always a list. */
export function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : [job.needs].flat();
}

/** The name of a job's GitHub environment, if it has one. */
export function environmentOf(job: Job): string | undefined {
  return typeof job.environment === 'string' ? job.environment : job.environment?.name;
}

/** The step that uses an action (`owner/name`, any version), if the job has one. */
export function stepUsing(job: Job, action: string): Step | undefined {
  return job.steps?.find((step) => step.uses?.split('@')[0] === action);
}
