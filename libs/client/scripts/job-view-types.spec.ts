import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsumerView as DomainConsumerView, JobView as DomainJobView } from '@async-jobs/domain';
import type { ConsumerView, JobView } from '../src/api-types';
import { JOB_VIEW_TYPES_FILE, jobViewTypesSource, REGENERATE_JOB_VIEW_TYPES } from './job-view-types-source';

/** `true` only when each type is assignable to the other, so that asserting `true` fails to compile otherwise. */
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe("the client's job view types", () => {
  it('are the ones the domain schema generates, current', () => {
    const checkedIn = readFileSync(join(__dirname, '../src/job-view.generated.ts'), 'utf8');
    try {
      expect(checkedIn).toBe(jobViewTypesSource());
    } catch (error) {
      // Keep Jest's diff, led by the fix.
      (error as Error).message =
        `${JOB_VIEW_TYPES_FILE} is stale: regenerate it with ${REGENERATE_JOB_VIEW_TYPES}\n\n${(error as Error).message}`;
      throw error;
    }
  });

  it("are assignable to the domain's and back (checked by the typecheck target)", () => {
    const jobViews: MutuallyAssignable<JobView, DomainJobView> = true;
    const consumerViews: MutuallyAssignable<ConsumerView, DomainConsumerView> = true;
    expect([jobViews, consumerViews]).toEqual([true, true]);
  });
});
