import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * One Lambda function's execution environment: a worker thread with the function's own
 * environment variables and module instance, running the real built bundle's `handler`.
 */
interface WorkerSettings {
  bundle: string;
  functionName: string;
  functionArn: string;
  memoryMb: number;
}

interface InvokeMessage {
  id: number;
  event: unknown;
  deadline: number;
  requestId: string;
  fault?: string;
}

const settings = workerData as WorkerSettings;
const load = createRequire(__filename);
const module = load(settings.bundle) as { handler: (event: unknown, context: unknown) => Promise<unknown> };

parentPort?.on('message', async (message: InvokeMessage) => {
  const context = {
    functionName: settings.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: settings.functionArn,
    memoryLimitInMB: String(settings.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${settings.functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  try {
    if (message.fault) throw new Error(message.fault);
    const result = await module.handler(message.event, context);
    parentPort?.postMessage({ id: message.id, ok: true, result });
  } catch (error) {
    const e = error as { name?: string; message?: string };
    parentPort?.postMessage({ id: message.id, ok: false, errorType: e?.name ?? 'Error', errorMessage: String(e?.message ?? error) });
  }
});
