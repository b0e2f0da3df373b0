import type {
  UnrecordedFailurePublisher,
  FailureNoticePublisher,
  JobEvent,
  JobEventPublisher,
  JobFailureNotice,
  UnrecordedFailure,
} from '../src';

/** The error topic, in memory: what was published, in order. */
export class RecordingFailureNoticePublisher implements FailureNoticePublisher {
  readonly notices: JobFailureNotice[] = [];
  async publishFailure(notice: JobFailureNotice): Promise<void> {
    this.notices.push(structuredClone(notice));
  }
}

/** The failed-events bus, in memory: what was kept for replay, in order. */
export class RecordingUnrecordedFailurePublisher implements UnrecordedFailurePublisher {
  readonly events: UnrecordedFailure[] = [];
  async publishUnrecordedFailure(event: UnrecordedFailure): Promise<void> {
    this.events.push(structuredClone(event));
  }
}

/** The job-events bus, in memory: the events put, in order. `refuse` makes the next puts fail, as an unreachable bus would. */
export class RecordingJobEventPublisher implements JobEventPublisher {
  readonly events: JobEvent[] = [];
  refuse: Error | undefined;
  async publish(events: JobEvent[]): Promise<void> {
    if (this.refuse) throw this.refuse;
    this.events.push(...structuredClone(events));
  }
}
