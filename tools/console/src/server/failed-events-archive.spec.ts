import { CreateArchiveCommand, CreateEventBusCommand, EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { FailedEventsArchive, ReplayWindowError } from './failed-events-archive';

/** Against moto's EventBridge (the suite's global setup points the SDK at it). */
describe('the failed-events archive', () => {
  const events = new EventBridgeClient({});
  const suffix = Date.now();
  const names = { archive: `archive-${suffix}`, replayRule: `replay-rule-${suffix}`, replayPrefix: `console-${suffix}-` };
  let archive: FailedEventsArchive;

  beforeAll(async () => {
    const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: `bus-${suffix}` }));
    await events.send(new CreateArchiveCommand({ ArchiveName: names.archive, EventSourceArn: EventBusArn, RetentionDays: 3 }));
    await events.send(
      new PutRuleCommand({ Name: names.replayRule, EventBusName: `bus-${suffix}`, EventPattern: '{"replay-name":[{"exists":true}]}' }),
    );
    archive = new FailedEventsArchive(events, names);
  });
  afterAll(() => events.destroy());

  it('describes the archive by its name alone, its ARN and bus included', async () => {
    expect(await archive.describe()).toMatchObject({
      name: names.archive,
      arn: `arn:aws:events:us-east-1:123456789012:archive/${names.archive}`,
      busArn: `arn:aws:events:us-east-1:123456789012:event-bus/bus-${suffix}`,
      state: 'ENABLED',
      eventCount: 0,
      retentionDays: 3,
    });
  });

  it('replays a window to the replay rule under its own prefix, ends it at now, and describes what it started', async () => {
    const now = new Date();
    const sent = jest.spyOn(events, 'send');
    const started = await archive.replay(new Date(now.getTime() - 3600_000), new Date(now.getTime() + 3600_000), now);
    expect(started.name).toMatch(new RegExp(`^${names.replayPrefix}${now.getTime()}-[0-9a-f]{6}$`));
    expect(started.to).toBe(now.toISOString());
    // To the replay rule only: no other rule of the bus sees a replayed event twice.
    const start = sent.mock.calls
      .map(([command]) => command.input as { ReplayName?: string; Destination?: unknown })
      .find((i) => i.ReplayName);
    expect(start?.Destination).toEqual({
      Arn: `arn:aws:events:us-east-1:123456789012:event-bus/bus-${suffix}`,
      FilterArns: [`arn:aws:events:us-east-1:123456789012:rule/bus-${suffix}/${names.replayRule}`],
    });
    sent.mockRestore();
    expect(archive.owns(started.name)).toBe(true);
    expect(archive.owns('someone-else')).toBe(false);
    let described = await archive.describeReplay(started.name);
    for (let i = 0; i < 50 && described.state !== 'COMPLETED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      described = await archive.describeReplay(started.name);
    }
    expect(described).toMatchObject({ name: started.name, state: 'COMPLETED', from: started.from, to: started.to });
    expect((await archive.recentReplays()).map((r) => [r.name, r.state])).toEqual([[started.name, 'COMPLETED']]);
  });

  it('measures a window that runs past now from its start to now: six days back and three ahead is six days', async () => {
    const now = new Date();
    const started = await archive.replay(new Date(now.getTime() - 6 * 24 * 3600_000), new Date(now.getTime() + 3 * 24 * 3600_000), now);
    expect(started.to).toBe(now.toISOString());
  });

  it.each([
    ['not-a-time', '2026-01-01T00:00:00Z', 'from', 'INVALID_TIME'],
    ['2026-01-01T00:00:00Z', '', 'to', 'INVALID_TIME'],
    ['2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z', 'to', 'EMPTY_WINDOW'],
    ['2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', 'from', 'IN_THE_FUTURE'],
    ['2025-12-01T00:00:00Z', '2026-01-01T00:00:00Z', 'to', 'WINDOW_TOO_LONG'],
  ])('refuses the window %s – %s on its %s field (%s), replaying nothing', async (from, to, field, code) => {
    const before = (await archive.recentReplays()).length;
    const error = await archive.replay(new Date(from), new Date(to), new Date('2026-01-02T00:00:00Z')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayWindowError);
    expect(error).toMatchObject({ field, code });
    expect((await archive.recentReplays()).length).toBe(before);
  });
});
