import { loadJobsApiConfig } from './jobs-api-config';

describe('loadJobsApiConfig', () => {
  const base = { JOBS_TABLE_NAME: 'jobs', CONSUMERS: 'a,b', RESULTS_BUCKET: 'results' };

  it('has CORS off unless origins are given', () => {
    expect(loadJobsApiConfig(base).corsAllowedOrigins).toEqual([]);
    expect(
      loadJobsApiConfig({ ...base, CORS_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173' }).corsAllowedOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('refuses something that is not an origin, naming the variable', () => {
    expect(() => loadJobsApiConfig({ ...base, CORS_ALLOWED_ORIGINS: 'https://app.example.com/path' })).toThrow(
      /CORS_ALLOWED_ORIGINS: "https:\/\/app.example.com\/path"/,
    );
    expect(() => loadJobsApiConfig({ JOBS_TABLE_NAME: 'jobs' })).toThrow(/CONSUMERS is required/);
  });

  it('requires IAM identity unless told anonymous, and reads operators as principals', () => {
    expect(loadJobsApiConfig(base).callers).toEqual({ identity: 'iam', operators: [] });
    expect(loadJobsApiConfig({ ...base, CALLER_IDENTITY: 'anonymous' }).callers.identity).toBe('anonymous');
    const operators = 'arn:aws:iam::123456789012:role/platform/ops, arn:aws:iam::123456789012:user/alice';
    expect(loadJobsApiConfig({ ...base, OPERATOR_PRINCIPALS: operators }).callers.operators).toEqual([
      'arn:aws:iam::123456789012:role/ops',
      'arn:aws:iam::123456789012:user/alice',
    ]);
  });

  it('refuses an identity mode or operator it cannot read, naming the variable', () => {
    expect(() => loadJobsApiConfig({ ...base, CALLER_IDENTITY: 'none' })).toThrow(/CALLER_IDENTITY: expected iam or anonymous, got "none"/);
    expect(() => loadJobsApiConfig({ ...base, OPERATOR_PRINCIPALS: 'ops' })).toThrow(/OPERATOR_PRINCIPALS: "ops" is not the ARN/);
    // A session stands for its whole role: naming carol's session would make every caller of the role an operator.
    const session = 'arn:aws:sts::123456789012:assumed-role/async-jobs-prod-callers-invoke/carol';
    expect(() => loadJobsApiConfig({ ...base, OPERATOR_PRINCIPALS: session })).toThrow(/role sessions are not accepted/);
  });

  it('reads the results bucket and a link expiry of 15 minutes unless told, within 1 minute and 12 hours', () => {
    expect(loadJobsApiConfig(base).results).toEqual({ bucket: 'results', urlExpirySeconds: 900 });
    expect(loadJobsApiConfig({ ...base, RESULT_URL_EXPIRY_SECONDS: '60' }).results.urlExpirySeconds).toBe(60);
    expect(() => loadJobsApiConfig({ ...base, RESULT_URL_EXPIRY_SECONDS: '86400' })).toThrow(/RESULT_URL_EXPIRY_SECONDS/);
    expect(() => loadJobsApiConfig({ JOBS_TABLE_NAME: 'jobs', CONSUMERS: 'a' })).toThrow(/RESULTS_BUCKET is required/);
  });
});
