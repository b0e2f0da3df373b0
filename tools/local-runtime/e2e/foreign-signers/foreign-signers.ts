import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalPrincipal } from '@async-jobs/local-services';

const run = promisify(execFile);

export interface SignedRequest {
  method: string;
  /** The full URL, query included, exactly as it goes on the wire. */
  url: string;
  body?: string;
  headers?: Record<string, string>;
  region: string;
  service?: string;
}

export interface Answer {
  status: number;
  body: any;
}

type Keys = Pick<LocalPrincipal, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Sends a request signed by curl's own SigV4 (`--aws-sigv4`), the way a user at a shell would:
 * the session token of temporary credentials as an `x-amz-security-token` header, which curl signs.
 */
export async function curlRequest(request: SignedRequest, keys: Keys, options: { omitSessionToken?: boolean } = {}): Promise<Answer> {
  const args = [
    '-sS',
    '--aws-sigv4',
    `aws:amz:${request.region}:${request.service ?? 'execute-api'}`,
    '--user',
    `${keys.accessKeyId}:${keys.secretAccessKey}`,
    '-X',
    request.method,
  ];
  if (keys.sessionToken && !options.omitSessionToken) args.push('-H', `x-amz-security-token: ${keys.sessionToken}`);
  for (const [name, value] of Object.entries(request.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (request.body !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', request.body);
  args.push('-w', '\n%{http_code}', '--path-as-is', request.url);
  const { stdout } = await run('curl', args, { timeout: 30_000 });
  const at = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(at + 1)), body: parseBody(stdout.slice(0, at)) };
}

/** What to change after botocore signed, to see the tampering refused. */
export interface Tamper {
  body?: string;
  path?: string;
  query?: string;
  dropHeader?: string;
}

/**
 * Sends a request signed by botocore's `SigV4Auth` (the signer of the AWS CLI and boto3, installed
 * with moto) from Python's own HTTP client; `signedAt` signs at another time, `tamper` changes the
 * request after it was signed.
 */
export async function botocoreRequest(
  request: SignedRequest,
  keys: Keys,
  options: { signedAt?: Date; tamper?: Tamper } = {},
): Promise<Answer> {
  const spec = {
    ...request,
    headers: { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
    ...keys,
    signedAt: options.signedAt?.toISOString(),
    tamper: options.tamper ?? {},
  };
  const child = execFile(pythonWithBotocore(), [join(__dirname, 'botocore_request.py')], { timeout: 30_000 });
  child.stdin?.end(JSON.stringify(spec));
  const [stdout, stderr, code] = await new Promise<[string, string, number | null]>((resolve) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => (out += chunk));
    child.stderr?.on('data', (chunk) => (err += chunk));
    child.on('close', (exitCode) => resolve([out, err, exitCode]));
  });
  if (code !== 0) throw new Error(`botocore_request.py exited ${code}: ${stderr}`);
  const answer = JSON.parse(stdout) as { status: number; body: string };
  return { status: answer.status, body: parseBody(answer.body) };
}

let botocorePython: string | undefined;

/**
 * The first `python3` on the PATH that has botocore (moto brings it). Not simply the first `python3`: Nx's
 * run-commands puts the directory of node (here /usr/bin, with the system's Python) ahead of pyenv's shims.
 */
function pythonWithBotocore(): string {
  if (botocorePython) return botocorePython;
  const candidates = [
    ...(process.env['PYTHON'] ? [process.env['PYTHON']] : []),
    ...(process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'python3')),
  ];
  for (const candidate of new Set(candidates)) {
    if (!existsSync(candidate)) continue;
    if (spawnSync(candidate, ['-c', 'import botocore'], { stdio: 'ignore', timeout: 30_000 }).status === 0)
      return (botocorePython = candidate);
  }
  throw new Error('No python3 on the PATH has botocore: install moto (pip install "moto[server]"), which brings it, or set PYTHON');
}
