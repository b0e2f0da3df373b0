type Pattern = { [key: string]: Pattern | readonly unknown[] };

/**
 * Whether an event matches a Lambda/EventBridge-style filter pattern, for the subset this product
 * uses: a list of allowed literal values, or `{"exists": true|false}`, nested in objects.
 */
export function matchesFilterPattern(event: unknown, pattern: Pattern): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const value = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(expected)) return value !== undefined && matchesFilterPattern(value, expected as Pattern);
    return expected.some((rule) => {
      if (typeof rule === 'object' && rule !== null && 'exists' in rule)
        return (value !== undefined) === (rule as { exists: boolean }).exists;
      return value === rule;
    });
  });
}

/** Whether an event passes a list of filter patterns, as a mapping's filter criteria do: any one of them. */
export function matchesAnyFilterPattern(event: unknown, patterns: readonly Pattern[]): boolean {
  return patterns.some((pattern) => matchesFilterPattern(event, pattern));
}
