import { ConfigurationError, EnvironmentSettings } from './environment-settings';

describe('EnvironmentSettings', () => {
  it('reads strings, integers and id lists with fallbacks', () => {
    const settings = new EnvironmentSettings({ TABLE: 'jobs', N: '12', CONSUMERS: 'a, b' });
    expect(settings.string('TABLE')).toBe('jobs');
    expect(settings.integer('N', 1, { min: 1, max: 20 })).toBe(12);
    expect(settings.integer('MISSING', 7, { min: 1, max: 20 })).toBe(7);
    expect(settings.idList('CONSUMERS')).toEqual(['a', 'b']);
  });

  it('names the variable when a setting is missing or malformed', () => {
    const settings = new EnvironmentSettings({ N: '1.5', CONSUMERS: 'a,A', TWICE: 'a,a' });
    expect(() => settings.string('TABLE')).toThrow(new ConfigurationError('Environment variable TABLE is required'));
    expect(() => settings.integer('N', 1, { min: 1, max: 9 })).toThrow(/N must be an integer from 1 to 9, got "1.5"/);
    expect(() => settings.idList('CONSUMERS')).toThrow(/"A" is not a lower-case id/);
    expect(() => settings.idList('TWICE')).toThrow(/twice/);
  });
});
