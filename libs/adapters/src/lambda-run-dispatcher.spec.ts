import * as Lambda from '@aws-sdk/client-lambda';
import { randomUUID } from 'node:crypto';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { runOrder } from '@async-jobs/domain';
import { aJob } from '@async-jobs/testing';
import { LambdaRunDispatcher } from './lambda-run-dispatcher';

/** A deployment package: moto stores it and answers the invocation (it does not run it here, without Docker). */
function zipOfOneFile(): Uint8Array {
  // A stored (uncompressed) zip of index.js, built by hand so that the test needs no zip library.
  const name = Buffer.from('index.js');
  const body = Buffer.from('exports.handler = async () => null;');
  const crc = crc32(body);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(body.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(body.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length + body.length, 16);
  return Buffer.concat([local, name, body, central, name, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('LambdaRunDispatcher against moto', () => {
  const lambda = new LambdaClient({});
  const iam = new IAMClient({});
  const functionName = `runner-${randomUUID().slice(0, 8)}`;
  afterAll(() => [lambda, iam].forEach((client) => client.destroy()));

  beforeAll(async () => {
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: functionName, AssumeRolePolicyDocument: '{}' }));
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: functionName,
        Runtime: 'nodejs20.x',
        Role: Role?.Arn,
        Handler: 'index.handler',
        Code: { ZipFile: zipOfOneFile() },
      }),
    );
  });

  it('has the order accepted as an asynchronous invocation (202)', async () => {
    const dispatcher = new LambdaRunDispatcher({ module: Lambda, client: lambda }, functionName);
    await expect(dispatcher.dispatch(runOrder(aJob(), 'a', 'token-1', '2026-01-01T00:00:00.000Z'))).resolves.toBeUndefined();
  });

  it('fails loudly when the runner does not exist, so that the claim is released', async () => {
    // Loaded at the first order, as main.ts wires it.
    const dispatcher = new LambdaRunDispatcher(async () => ({ module: Lambda, client: lambda }), 'no-such-runner');
    await expect(dispatcher.dispatch(runOrder(aJob(), 'a', 't', 'now'))).rejects.toThrow(/not found|ResourceNotFound/i);
  });
});
