import { loadJobsApiConfig } from './jobs-api-config';

describe('loadJobsApiConfig', () => {
  const base = { JOBS_TABLE_NAME: 'jobs', CONSUMERS: 'a,b' };

  it('has CORS off unless origins are given', () => {
    expect(loadJobsApiConfig(base).corsAllowedOrigins).toEqual([]);
    expect(loadJobsApiConfig({ ...base, CORS_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173' }).corsAllowedOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('refuses something that is not an origin, naming the variable', () => {
    expect(() => loadJobsApiConfig({ ...base, CORS_ALLOWED_ORIGINS: 'https://app.example.com/path' })).toThrow(/CORS_ALLOWED_ORIGINS: "https:\/\/app.example.com\/path"/);
    expect(() => loadJobsApiConfig({ JOBS_TABLE_NAME: 'jobs' })).toThrow(/CONSUMERS is required/);
  });
});
