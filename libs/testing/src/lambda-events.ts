import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context, DynamoDBRecord, DynamoDBStreamEvent, SNSEvent } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Job } from '@async-jobs/domain';

/** A Lambda context whose deadline is `remainingMs` from now. */
export function aLambdaContext(overrides: { functionName?: string; remainingMs?: number; awsRequestId?: string } = {}): Context {
  const functionName = overrides.functionName ?? 'async-jobs-test-function';
  const deadline = Date.now() + (overrides.remainingMs ?? 60_000);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: overrides.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An API Gateway REST proxy event, as the stage `test` would deliver it. */
export function anApiRequest(request: {
  method: string;
  path: string;
  resource?: string;
  pathParameters?: Record<string, string>;
  body?: string | null;
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
  /** The signer's ARN as IAM authorization passes it (`userArn`); alice's by default, `null` for an unsigned request. */
  signedBy?: string | null;
  multiValueQueryStringParameters?: Record<string, string[]>;
}): APIGatewayProxyEvent {
  const signedBy = request.signedBy === undefined ? 'arn:aws:iam::123456789012:user/alice' : request.signedBy;
  const headers = request.headers ?? (request.body ? { 'Content-Type': 'application/json' } : {});
  return {
    httpMethod: request.method,
    path: request.path,
    resource: request.resource ?? request.path,
    pathParameters: request.pathParameters ?? null,
    queryStringParameters: null,
    multiValueQueryStringParameters: request.multiValueQueryStringParameters ?? null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body: request.body ?? null,
    isBase64Encoded: request.isBase64Encoded ?? false,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: (signedBy
        ? {
            userArn: signedBy,
            caller: signedBy.split(/[:/]/).slice(-2).join(':'),
            accountId: signedBy.split(':')[4],
            user: signedBy.split('/').pop(),
          }
        : { userArn: null, caller: null, accountId: null, user: null }) as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/test${request.path}`,
      stage: 'test',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'res',
      resourcePath: request.resource ?? request.path,
    },
  };
}

let sequence = 1000;

/** A stream INSERT record carrying `job` as its new image, as the event source mapping delivers it. */
export function anInsertRecord(job: Job, overrides: Partial<DynamoDBRecord> = {}): DynamoDBRecord {
  sequence += 1;
  return {
    eventID: randomUUID(),
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/jobs/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      Keys: marshall({ id: job.id }) as never,
      NewImage: marshall(job, { removeUndefinedValues: true }) as never,
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: 100,
      StreamViewType: 'NEW_IMAGE',
    },
    ...overrides,
  };
}

export function aStreamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}

/** An SNS event delivering `messages` (objects are sent as JSON), as a Lambda subscription receives it. */
export function anSnsEvent(messages: unknown[], topicArn = 'arn:aws:sns:us-east-1:123456789012:errors'): SNSEvent {
  return {
    Records: messages.map((message) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
      Sns: {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: topicArn,
        Subject: '',
        Message: typeof message === 'string' ? message : JSON.stringify(message),
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        Signature: '',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: {},
      },
    })),
  };
}
