import Ajv from 'ajv';
import { toJobView, toJobViewWithLinks } from './job-view';
import { JobViewSchema } from './job-view-schema';
import { aJob, anEntry } from '../testing';

// Formats are documentation here (Ajv would need ajv-formats to check them); the shape is what is tested.
const validate = new Ajv({ strict: true, validateFormats: false }).compile(JobViewSchema);

describe('toJobView', () => {
  it('gives callers what the schema describes: no claim token, lease, deadline or finishing token', () => {
    const job = aJob({
      consumers: {
        a: anEntry({
          status: 'RUNNING',
          attempts: 2,
          startedAt: '2026-01-01T00:00:01.000Z',
          claimToken: 'claim-1',
          leaseExpiresAt: 1_767_225_660_000,
          deadline: 1_767_225_900_000,
          lastError: { code: 'THROTTLED', message: 'Try again' },
        }),
        b: anEntry({
          status: 'SUCCEEDED',
          attempts: 1,
          finishedAt: '2026-01-01T00:00:02.000Z',
          finishedBy: 'claim-2',
          result: { slept: 1 },
        }),
      },
    });

    const view = toJobView(job);

    expect(validate(view)).toBe(true);
    expect(view.consumers['a']).toEqual({
      status: 'RUNNING',
      attempts: 2,
      updatedAt: '2026-01-01T00:00:00.000Z',
      startedAt: '2026-01-01T00:00:01.000Z',
      lastError: { code: 'THROTTLED', message: 'Try again' },
    });
    expect(view).toMatchObject({ jobId: job.id, id: job.id, status: 'RUNNING', owner: job.owner?.principal });
  });

  it("says since when a run waits in the runner's queue, and nothing once a runner adopted it", () => {
    const waiting = anEntry({
      status: 'RUNNING',
      attempts: 1,
      claimToken: 'd1',
      leaseExpiresAt: 1_767_229_200_000,
      dispatchedAt: '2026-01-01T00:00:01.000Z',
    });
    const adopted = anEntry({ status: 'RUNNING', attempts: 1, claimToken: 'r1', leaseExpiresAt: 1_767_225_660_000 });
    const view = toJobView(aJob({ consumers: { a: waiting, b: adopted } }));

    expect(view.consumers['a'].queuedSince).toBe('2026-01-01T00:00:01.000Z');
    expect(view.consumers['b'].queuedSince).toBeUndefined();
    expect(validate(view)).toBe(true);
  });

  it('is refused by the schema if a stored-only field leaks into it', () => {
    const view = toJobView(aJob());
    const leaked = { ...view, consumers: { a: { ...view.consumers['a'], claimToken: 'claim-1' } } };

    expect(validate(leaked)).toBe(false);
    expect(validate.errors).toEqual([
      expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'claimToken' } }),
    ]);
  });

  it('shows a stored result by its size and type, and GET adds a fresh link to it; an inline result gets none', async () => {
    const job = aJob({
      consumers: {
        a: anEntry({ status: 'SUCCEEDED', resultRef: { key: 'results/j/a/t.json', bytes: 2_097_152, contentType: 'application/json' } }),
        b: anEntry({ status: 'SUCCEEDED', result: { small: true } }),
      },
    });
    const asked: string[] = [];
    const view = await toJobViewWithLinks(job, {
      linkTo: async (stored) => {
        asked.push(stored.key);
        return { url: `https://results.example/${stored.key}?signed`, expiresAt: '2026-01-01T00:15:00.000Z' };
      },
    });

    expect(toJobView(job).consumers['a']).toEqual(
      expect.objectContaining({ resultBytes: 2_097_152, resultContentType: 'application/json' }),
    );
    expect(toJobView(job).consumers['a'].resultUrl).toBeUndefined();
    expect(view.consumers['a']).toMatchObject({
      resultBytes: 2_097_152,
      resultContentType: 'application/json',
      resultUrl: 'https://results.example/results/j/a/t.json?signed',
      resultUrlExpiresAt: '2026-01-01T00:15:00.000Z',
    });
    expect(view.consumers['a']).not.toHaveProperty('resultRef');
    expect(view.consumers['b']).toEqual(expect.objectContaining({ result: { small: true } }));
    expect(view.consumers['b'].resultUrl).toBeUndefined();
    expect(asked).toEqual(['results/j/a/t.json']);
    expect(validate(view)).toBe(true);
  });
});
