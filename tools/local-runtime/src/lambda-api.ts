import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Lambda's limit on an asynchronous invocation's payload. */
export const ASYNC_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** A function the local Lambda API invokes asynchronously: it queues the event and answers at once. */
export interface AsyncTarget {
  arn: string;
  invoke(event: unknown): void;
}

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`), as the functions' SDK
 * reaches it through AWS_ENDPOINT_URL_LAMBDA: asynchronous invocations (`X-Amz-Invocation-Type: Event`)
 * answered 202 once queued, a function named by name or ARN (qualified with $LATEST or not), Lambda's
 * error types for a missing function, an invocation type it does not serve and a payload too large.
 * Signatures are not checked, as moto does not check them.
 */
export async function startLambdaApi(options: {
  functions: readonly AsyncTarget[];
  host?: string;
}): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    void handle(options.functions, request, response).catch((error: Error) => answer(response, 500, 'ServiceException', error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(functions: readonly AsyncTarget[], request: IncomingMessage, response: ServerResponse): Promise<void> {
  const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec((request.url ?? '').split('?')[0]);
  if (request.method !== 'POST' || !match)
    return answer(response, 404, 'UnknownOperationException', `No such operation: ${request.method} ${request.url}`);
  const named = decodeURIComponent(match[1]);
  const target = functions.find((fn) => [fn.arn, `${fn.arn}:$LATEST`, fn.arn.split(':function:')[1]].includes(named));
  if (!target) return answer(response, 404, 'ResourceNotFoundException', `Function not found: ${named}`);
  const type = request.headers['x-amz-invocation-type'] ?? 'RequestResponse';
  if (type !== 'Event') {
    return answer(
      response,
      400,
      'InvalidParameterValueException',
      `The local Lambda API takes asynchronous invocations only (Event), not ${String(type)}`,
    );
  }
  const body = await readBody(request);
  if (body.length > ASYNC_PAYLOAD_LIMIT_BYTES) {
    return answer(
      response,
      413,
      'RequestTooLargeException',
      `Request must be smaller than ${ASYNC_PAYLOAD_LIMIT_BYTES} bytes for the InvokeAsync operation`,
    );
  }
  let event: unknown;
  try {
    event = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    return answer(response, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
  target.invoke(event);
  response.writeHead(202, { 'x-amzn-RequestId': randomUUID(), 'Content-Length': '0' });
  response.end();
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, errorType: string, message: string): void {
  const body = JSON.stringify({ Type: status < 500 ? 'User' : 'Service', message });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': errorType,
    'x-amzn-RequestId': randomUUID(),
    'Content-Length': String(Buffer.byteLength(body)),
  });
  response.end(body);
}
