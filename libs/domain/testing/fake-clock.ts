import type { Clock } from '../src';

/** A clock that only moves when slept on or told to, so tests never wait; it records every sleep. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = new Date('2026-01-01T00:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.advance(ms);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
