/** Reads `--name value` and `--flag` arguments, refusing unknown ones with the list of known ones. */
export function parseArguments(argv: string[], known: Record<string, 'value' | 'flag'>): Record<string, string | boolean> {
  const result: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
    if (!name || !(name in known)) {
      throw new Error(
        `Unknown argument "${arg}". Known: ${Object.keys(known)
          .map((k) => `--${k}`)
          .join(', ')}`,
      );
    }
    if (known[name] === 'flag') {
      result[name] = true;
    } else {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
      result[name] = value;
    }
  }
  return result;
}

export function portArgument(value: string | boolean | undefined, name: string, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--${name} must be a port number, got "${value}"`);
  return port;
}

export function secondsArgument(value: string, name: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 600)
    throw new Error(`--${name} must be whole seconds from 0 to 600, got "${value}"`);
  return seconds;
}

export function countArgument(value: string, name: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 1000)
    throw new Error(`--${name} must be a whole number from 1 to 1000, got "${value}"`);
  return count;
}
