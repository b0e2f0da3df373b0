import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DescribeReplayCommand, EventBridgeClient, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { parseArguments } from './cli-arguments';
import type { RuntimeState } from './local-system';

/**
 * `npm run replay -- --from <time> --to <time>`: replays the failed-events archive of the running
 * local system for that window; the replay rule sends the events back to the error handler.
 */
async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2), { from: 'value', to: 'value', 'state-file': 'value' });
  const from = new Date(String(args['from'] ?? ''));
  const to = args['to'] ? new Date(String(args['to'])) : new Date();
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new Error('Give the window as ISO times: --from 2026-01-01T10:00:00Z --to 2026-01-01T11:00:00Z (--to defaults to now)');
  }
  const stateFile = resolve(String(args['state-file'] ?? '.local/runtime.json'));
  let state: RuntimeState;
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as RuntimeState;
  } catch {
    throw new Error(`No running local system found (${stateFile}); start it with npm start`);
  }
  const events = new EventBridgeClient({
    region: state.region,
    endpoint: state.motoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const name = `replay-${Date.now()}`;
  const r = state.resources;
  await events.send(
    new StartReplayCommand({
      ReplayName: name,
      EventSourceArn: r.archiveArn,
      EventStartTime: from,
      EventEndTime: to,
      Destination: { Arn: r.failedEventsBusArn, FilterArns: [r.replayRuleArn] },
    }),
  );
  for (let i = 0; i < 60; i++) {
    const { State, StateReason } = await events.send(new DescribeReplayCommand({ ReplayName: name }));
    if (State === 'COMPLETED') {
      process.stdout.write(
        `replay ${name} completed: archived failures from ${from.toISOString()} to ${to.toISOString()} went back to the error handler\n`,
      );
      return;
    }
    if (State === 'FAILED' || State === 'CANCELLED') throw new Error(`replay ${name} ${State}: ${StateReason ?? ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`replay ${name} did not complete within 30 s`);
}

main().catch((error: Error) => {
  process.stderr.write(`replay: ${error.message}\n`);
  process.exit(1);
});
