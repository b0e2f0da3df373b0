import { randomBytes } from 'node:crypto';
import { DescribeArchiveCommand, DescribeReplayCommand, StartReplayCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';

export interface ArchiveSummary {
  name: string;
  state: string;
  eventCount: number;
  sizeBytes: number;
  /** 0: kept for ever. */
  retentionDays: number;
  createdAt?: string;
}

export interface ReplaySummary {
  name: string;
  state: string;
  stateReason?: string;
  from: string;
  to: string;
  startedAt?: string;
  endedAt?: string;
  lastReplayedAt?: string;
}

/** The longest window one replay takes: an archive keeps events for days, and a replay of all of them is rarely meant. */
export const MAX_REPLAY_WINDOW_MS = 7 * 24 * 3600_000;

export class ReplayWindowError extends Error {
  constructor(
    readonly field: 'from' | 'to',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The environment's failed-events archive (where the error handler's own failures land) and its replays back to the
 * error handler through the replay rule. Only the archive's name is needed: its description names its ARN and its
 * bus, so the console needs no account id and the operator only `events:DescribeArchive` besides the replay grants.
 */
export class FailedEventsArchive {
  private readonly started: ReplaySummary[] = [];

  constructor(
    private readonly events: EventBridgeClient,
    readonly names: { archive: string; replayRule: string; replayPrefix: string },
  ) {}

  async describe(): Promise<ArchiveSummary & { arn: string; busArn: string }> {
    const a = await this.events.send(new DescribeArchiveCommand({ ArchiveName: this.names.archive }));
    return {
      name: this.names.archive,
      arn: a.ArchiveArn ?? '',
      busArn: a.EventSourceArn ?? '',
      state: a.State ?? 'UNKNOWN',
      eventCount: a.EventCount ?? 0,
      sizeBytes: a.SizeBytes ?? 0,
      retentionDays: a.RetentionDays ?? 0,
      ...(a.CreationTime ? { createdAt: a.CreationTime.toISOString() } : {}),
    };
  }

  /**
   * Replays the archived events of [from, to) to the error handler (the replay rule only: nothing else on the bus
   * sees them twice).
   * @throws ReplayWindowError for a window that is empty, reversed, in the future or longer than a week.
   */
  async replay(from: Date, to: Date, now = new Date()): Promise<ReplaySummary> {
    if (Number.isNaN(from.getTime())) throw new ReplayWindowError('from', 'INVALID_TIME', 'from is not a time');
    if (Number.isNaN(to.getTime())) throw new ReplayWindowError('to', 'INVALID_TIME', 'to is not a time');
    if (from >= to) throw new ReplayWindowError('to', 'EMPTY_WINDOW', 'to must be after from');
    if (from > now) throw new ReplayWindowError('from', 'IN_THE_FUTURE', 'from is in the future: nothing is archived there yet');
    // Nothing is archived after now: the window ends there, and its length is what is replayed.
    const end = to > now ? now : to;
    if (end.getTime() - from.getTime() > MAX_REPLAY_WINDOW_MS)
      throw new ReplayWindowError('to', 'WINDOW_TOO_LONG', 'A replay covers at most 7 days: replay a longer span in parts');
    const archive = await this.describe();
    // Unique however many replays start in the same millisecond (EventBridge refuses a name in use).
    const name = `${this.names.replayPrefix}${now.getTime()}-${randomBytes(3).toString('hex')}`;
    const ruleArn = `${archive.busArn.replace(':event-bus/', ':rule/')}/${this.names.replayRule}`;
    const answer = await this.events.send(
      new StartReplayCommand({
        ReplayName: name,
        Description: 'Started from the async-jobs console',
        EventSourceArn: archive.arn,
        EventStartTime: from,
        EventEndTime: end,
        Destination: { Arn: archive.busArn, FilterArns: [ruleArn] },
      }),
    );
    const summary: ReplaySummary = {
      name,
      state: answer.State ?? 'STARTING',
      from: from.toISOString(),
      to: end.toISOString(),
      ...(answer.ReplayStartTime ? { startedAt: answer.ReplayStartTime.toISOString() } : {}),
    };
    this.started.unshift(summary);
    this.started.splice(20);
    return summary;
  }

  async describeReplay(name: string): Promise<ReplaySummary> {
    const r = await this.events.send(new DescribeReplayCommand({ ReplayName: name }));
    return {
      name,
      state: r.State ?? 'UNKNOWN',
      ...(r.StateReason ? { stateReason: r.StateReason } : {}),
      from: r.EventStartTime?.toISOString() ?? '',
      to: r.EventEndTime?.toISOString() ?? '',
      ...(r.ReplayStartTime ? { startedAt: r.ReplayStartTime.toISOString() } : {}),
      ...(r.ReplayEndTime ? { endedAt: r.ReplayEndTime.toISOString() } : {}),
      ...(r.EventLastReplayedTime ? { lastReplayedAt: r.EventLastReplayedTime.toISOString() } : {}),
    };
  }

  /** The replays this console started (listing every replay of the account would need a grant on `*`), each as it is now. */
  async recentReplays(): Promise<ReplaySummary[]> {
    return Promise.all(
      this.started.map((r) =>
        this.describeReplay(r.name).catch((error: Error) => ({
          ...r,
          state: 'UNKNOWN',
          stateReason: `Cannot describe it: ${error.message}`,
        })),
      ),
    );
  }

  /** Whether a replay name is one of this console's own: it describes no other. */
  owns(name: string): boolean {
    return this.started.some((r) => r.name === name);
  }
}
