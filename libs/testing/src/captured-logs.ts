import { Writable } from 'node:stream';

/** A pino (and metrics) destination that keeps every line parsed, to assert what a handler logged and measured. */
export class CapturedLogs extends Writable {
  readonly lines: Record<string, unknown>[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
    done();
  }

  find(message: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line['message'] === message);
  }

  /** The EMF lines of one metric. */
  metric(name: string): Record<string, unknown>[] {
    return this.lines.filter((line) => '_aws' in line && name in line);
  }
}
