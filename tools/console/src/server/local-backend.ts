import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { JobsClient } from '@async-jobs/client';
import type { LocalSystemState } from '@async-jobs/local-services';
import { resourceNames } from '@async-jobs/platform';
import type { ConsoleBackend, ConsoleIdentity } from './console-types';
import { FailedEventsArchive } from './failed-events-archive';

/**
 * The console of a local system: it signs as any of the system's principals (with --auth), so that owner scoping can be
 * seen from each side, or sends unsigned as the one anonymous owner. The archive is moto's.
 */
export function localConsoleBackend(state: Pick<LocalSystemState, 'apiUrl' | 'region' | 'motoEndpoint' | 'principals'>): ConsoleBackend {
  const principals = state.principals ?? [];
  const identities: ConsoleIdentity[] = principals.length
    ? principals.map((p) => ({ name: p.name, principal: p.userArn, operator: p.operator }))
    : [{ name: 'anonymous', principal: 'anonymous (the local system runs without --auth)', operator: true }];
  const clients = new Map<string, JobsClient>();
  for (const identity of identities) {
    const p = principals.find((x) => x.name === identity.name);
    clients.set(
      identity.name,
      new JobsClient({
        endpoint: state.apiUrl,
        region: state.region,
        maxAttempts: 1,
        ...(p
          ? {
              credentials: {
                accessKeyId: p.accessKeyId,
                secretAccessKey: p.secretAccessKey,
                ...(p.sessionToken ? { sessionToken: p.sessionToken } : {}),
              },
            }
          : { sign: false }),
      }),
    );
  }
  const names = resourceNames('local');
  const events = new EventBridgeClient({
    region: state.region,
    endpoint: state.motoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    environment: 'local',
    apiUrl: state.apiUrl,
    identities,
    clientFor: (name) => clients.get(name) as JobsClient,
    archive: new FailedEventsArchive(events, {
      archive: names.failedEventsArchive,
      replayRule: names.replayRule,
      replayPrefix: names.consoleReplayPrefix,
    }),
  };
}
