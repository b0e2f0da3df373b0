import { executionOf } from './job-type';
import { sampleExportJobType, sampleExportRow, SAMPLE_EXPORT_INLINE_MAX_KILOBYTES } from './sample-export-job';
import { builtInJobTypes } from './built-in-job-types';
import { validateJobInput } from '../schemas/submit-job-request';
import { FakeClock } from '../../testing';

describe('the sample-export job', () => {
  const context = (reports: unknown[] = [], signal = new AbortController().signal) => ({
    jobId: 'j',
    consumerId: 'a',
    attempt: 1,
    clock: new FakeClock(),
    signal,
    reportProgress: (progress: unknown) => void reports.push(progress),
  });
  const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

  it.each([1, 33, 2048])('returns a document of about %i KiB, within a hundred bytes of it', async (kilobytes) => {
    const document = await sampleExportJobType.run({ kilobytes }, context());
    expect(Math.abs(bytesOf(document) - kilobytes * 1024)).toBeLessThan(100);
  });

  it('returns the same document for the same size: row n is sampleExportRow(n)', async () => {
    const first = (await sampleExportJobType.run({ kilobytes: 70 }, context())) as { rows: unknown[] };
    const again = await sampleExportJobType.run({ kilobytes: 70 }, context());
    expect(again).toEqual(first);
    expect(first.rows[69]).toEqual(sampleExportRow(69));
    expect(sampleExportRow(1)).not.toEqual(sampleExportRow(0));
  });

  it('reports its progress every 4096 rows', async () => {
    const reports: unknown[] = [];
    await sampleExportJobType.run({ kilobytes: 10_000 }, context(reports));
    expect(reports).toEqual([
      { percent: 40, message: '4096 of 10000 rows' },
      { percent: 81, message: '8192 of 10000 rows' },
    ]);
  });

  it('stops when its run is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('claim lost'));
    await expect(sampleExportJobType.run({ kilobytes: 5000 }, context([], controller.signal))).rejects.toThrow('claim lost');
  });

  it('runs inline up to 256 KiB and on the runner beyond', () => {
    expect(executionOf(sampleExportJobType, { kilobytes: SAMPLE_EXPORT_INLINE_MAX_KILOBYTES })).toBe('inline');
    expect(executionOf(sampleExportJobType, { kilobytes: SAMPLE_EXPORT_INLINE_MAX_KILOBYTES + 1 })).toBe('runner');
  });

  it.each([0, 102_401, 1.5, '10'])('refuses kilobytes %p, naming the field', (kilobytes) => {
    const registry = builtInJobTypes({ sleepMaxSeconds: 300 });
    expect(() => validateJobInput(registry, 'sample-export', { kilobytes })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: '/input/kilobytes' })] }),
    );
  });
});
