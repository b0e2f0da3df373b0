import { Type } from '@sinclair/typebox';
import type { JsonObject } from '../job';
import { defineJobType } from './job-type';

export const SAMPLE_EXPORT_MAX_KILOBYTES = 102_400;

/** Exports up to this size run inline; a larger one would hold its shard's batch while it builds and uploads. */
export const SAMPLE_EXPORT_INLINE_MAX_KILOBYTES = 256;

export const sampleExportInputSchema = Type.Object(
  {
    kilobytes: Type.Integer({
      minimum: 1,
      maximum: SAMPLE_EXPORT_MAX_KILOBYTES,
      description: 'About how large the exported JSON document is, in KiB (1 to 102400, i.e. up to 100 MiB).',
    }),
  },
  { additionalProperties: false, title: 'SampleExportJobInput' },
);

/** Each row serializes to exactly 1024 bytes (with its separating comma): a document of n rows is n KiB and a little. */
const ROW_TEXT_LENGTH = 1024 - '{"row":,"text":""},'.length - 6;
// Rows slice one longer text at shifting offsets: varied content without holding a copy per row.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SOURCE_TEXT = ALPHABET.repeat(Math.ceil((ROW_TEXT_LENGTH + ALPHABET.length) / ALPHABET.length));
const ROWS_PER_CHUNK = 4096;

/** The row numbered `n` (from 0): fixed for a given n, so a download can be checked against it. */
export function sampleExportRow(n: number): { row: number; text: string } {
  const offset = n % ALPHABET.length;
  return { row: 100_000 + n, text: SOURCE_TEXT.slice(offset, offset + ROW_TEXT_LENGTH) };
}

/**
 * Built-in example of a large result: a JSON document of about `kilobytes` KiB (1 KiB per row), deterministic
 * for a given size. Past 32 KiB its result is stored in the results bucket and GET links to it.
 */
export const sampleExportJobType = defineJobType({
  name: 'sample-export',
  description: 'Builds a JSON document of about the given size (1 KiB per row): an example of a result too large to return inline.',
  inputSchema: sampleExportInputSchema,
  maxAttempts: 3,
  runLimit: { seconds: 300, onTimeout: 'retry' },
  execution: { byInput: ({ kilobytes }) => (kilobytes <= SAMPLE_EXPORT_INLINE_MAX_KILOBYTES ? 'inline' : 'runner') },
  async run({ kilobytes }, { signal, reportProgress }) {
    const rows: JsonObject[] = [];
    for (let n = 0; n < kilobytes; n++) {
      rows.push(sampleExportRow(n));
      if ((n + 1) % ROWS_PER_CHUNK === 0) {
        signal.throwIfAborted();
        reportProgress({ percent: Math.floor((100 * (n + 1)) / kilobytes), message: `${n + 1} of ${kilobytes} rows` });
        // Lets the lease's heartbeat run between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return { export: 'sample', kilobytes, rows };
  },
});
