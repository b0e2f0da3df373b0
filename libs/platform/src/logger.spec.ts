import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with the level as a word, the service and the child bindings', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'jobs-api', destination });
    logger.child({ requestId: 'r-1', jobId: 'j-1' }).info({ from: 'PENDING', to: 'RUNNING' }, 'job claimed');
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'jobs-api',
      requestId: 'r-1',
      jobId: 'j-1',
      message: 'job claimed',
      from: 'PENDING',
    });
    expect(typeof lines[0].time).toBe('string');
  });

  it('never writes secrets or bodies', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 't', destination });
    logger.info(
      {
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIA...', 'X-Amz-Security-Token': 'session-secret-1' },
        multiValueHeaders: { Authorization: ['AWS4-HMAC-SHA256 Credential=AKIB...'], 'x-amz-security-token': ['session-secret-2'] },
        body: '{"password":"x"}',
        secretAccessKey: 's',
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('AKIA');
    expect(text).not.toContain('AKIB');
    expect(text).not.toContain('session-secret');
    expect(text).not.toContain('password');
    expect(text).not.toContain('"s"');
  });
});
