import { UnknownJobTypeError } from '../errors';
import type { JobType } from './job-type';

/** The job types one deployment runs, by name. */
export class JobTypeRegistry {
  private readonly types = new Map<string, JobType>();

  constructor(types: readonly JobType[] = []) {
    for (const type of types) this.register(type);
  }

  register(type: JobType): this {
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(type.name)) {
      throw new Error(`Job type name "${type.name}" must be lower-case letters, digits and dashes`);
    }
    if (this.types.has(type.name)) throw new Error(`Job type "${type.name}" is registered twice`);
    if (!Number.isInteger(type.runLimit?.seconds) || type.runLimit.seconds < 1) {
      throw new Error(`Job type "${type.name}" must declare its run limit in whole seconds (runLimit.seconds ≥ 1)`);
    }
    this.types.set(type.name, type);
    return this;
  }

  /** @throws UnknownJobTypeError naming the known types. */
  get(name: string): JobType {
    const type = this.types.get(name);
    if (!type) throw new UnknownJobTypeError(name, this.names());
    return type;
  }

  names(): string[] {
    return [...this.types.keys()].sort();
  }

  /** The type whose run may last longest: it sizes the processor's timeout. */
  longestRun(): { jobType: string; seconds: number } {
    const longest = this.all().reduce<JobType | undefined>(
      (found, type) => (found && found.runLimit.seconds >= type.runLimit.seconds ? found : type),
      undefined,
    );
    return longest ? { jobType: longest.name, seconds: longest.runLimit.seconds } : { jobType: 'none', seconds: 0 };
  }

  all(): JobType[] {
    return [...this.types.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
