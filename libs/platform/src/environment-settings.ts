/** A setting the process cannot start without, or one it cannot read. */
export class ConfigurationError extends Error {
  readonly code = 'CONFIGURATION_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads settings from environment variables, naming the variable in every error. */
export class EnvironmentSettings {
  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const value = this.env[name]?.trim();
    if (value) return value;
    if (fallback !== undefined) return fallback;
    throw new ConfigurationError(`Environment variable ${name} is required`);
  }

  integer(name: string, fallback: number, range: { min: number; max: number }): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      throw new ConfigurationError(`Environment variable ${name} must be an integer from ${range.min} to ${range.max}, got "${raw}"`);
    }
    return value;
  }

  /** A comma-separated list of lower-case ids, e.g. consumers. */
  idList(name: string, fallback?: readonly string[]): string[] {
    const raw = this.env[name]?.trim();
    if (!raw) {
      if (fallback) return [...fallback];
      throw new ConfigurationError(`Environment variable ${name} is required (a comma-separated list)`);
    }
    const ids = raw.split(',').map((id) => id.trim());
    const bad = ids.find((id) => !/^[a-z][a-z0-9-]{0,31}$/.test(id));
    if (bad !== undefined) throw new ConfigurationError(`Environment variable ${name}: "${bad}" is not a lower-case id`);
    if (new Set(ids).size !== ids.length) throw new ConfigurationError(`Environment variable ${name} lists an id twice`);
    return ids;
  }
}
