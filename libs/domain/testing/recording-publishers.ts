import type { UnrecordedFailurePublisher, FailureNoticePublisher, JobFailureNotice, UnrecordedFailure } from '../src';

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
