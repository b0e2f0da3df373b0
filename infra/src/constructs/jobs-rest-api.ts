import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { Lazy, type TerraformResource } from 'cdktf';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayModel } from '@cdktf/provider-aws/lib/api-gateway-model';
import { ApiGatewayRequestValidator } from '@cdktf/provider-aws/lib/api-gateway-request-validator';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { JsonSchemaDocument } from '@async-jobs/domain';
import { resourceNames, type DeploymentSettings } from '@async-jobs/platform';
import type { JobsFunction } from './jobs-function';
import { ApiAccess } from './api-access';
import { ApiFirewall } from './api-firewall';

/**
 * API Gateway's own refusals, in the product's error body, each with the code the local gateway
 * gives too. The two defaults keep the status of the refusal they stand for (a status set on a
 * default would become the status of every response of its class: a 404 or 415 would answer 400),
 * and name it by API Gateway's response type.
 */
const GATEWAY_RESPONSES: { type: string; status?: string; code: string }[] = [
  { type: 'BAD_REQUEST_BODY', status: '400', code: 'VALIDATION_FAILED' },
  { type: 'MISSING_AUTHENTICATION_TOKEN', status: '403', code: 'MISSING_AUTHENTICATION' },
  { type: 'INVALID_SIGNATURE', status: '403', code: 'INVALID_SIGNATURE' },
  { type: 'EXPIRED_TOKEN', status: '403', code: 'TOKEN_EXPIRED' },
  { type: 'ACCESS_DENIED', status: '403', code: 'FORBIDDEN' },
  { type: 'WAF_FILTERED', status: '403', code: 'REQUEST_BLOCKED' },
  { type: 'THROTTLED', status: '429', code: 'THROTTLED' },
  { type: 'REQUEST_TOO_LARGE', status: '413', code: 'PAYLOAD_TOO_LARGE' },
  { type: 'DEFAULT_4XX', code: '$context.error.responseType' },
  { type: 'DEFAULT_5XX', code: '$context.error.responseType' },
];

/**
 * The REST API: `/jobs` (submit, list), `/jobs/{jobId}`, `/jobs/{jobId}/cancel`, `/jobs/{jobId}/retry`, `/openapi.json` (and a `{proxy+}` catch-all, so that unknown routes
 * get the handler's 404 body) proxied to jobs-api, AWS_IAM on every method, the request model
 * generated from the domain's schemas with a body validator, a stage with JSON access logs to an
 * encrypted log group, throttling and X-Ray, and a deployment redeployed whenever any of it changes.
 */
export class JobsRestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly access: ApiAccess;
  readonly firewall?: ApiFirewall;
  readonly methods: ApiGatewayMethod[] = [];
  readonly integrations: ApiGatewayIntegration[] = [];
  readonly validator: ApiGatewayRequestValidator;
  readonly model: ApiGatewayModel;

  constructor(
    scope: Construct,
    id: string,
    props: {
      settings: DeploymentSettings;
      requestModel: JsonSchemaDocument;
      handler: JobsFunction;
      key: KmsKey;
      accountId: string;
      partition: string;
      emulated?: boolean;
    },
  ) {
    super(scope, id);
    const { settings, handler } = props;
    const names = resourceNames(settings.environment);
    const stageName = settings.environment;
    this.api = new ApiGatewayRestApi(this, 'api', {
      name: names.api,
      description: 'async-jobs: submit jobs, read their status',
      endpointConfiguration: { types: ['REGIONAL'] },
    });
    const restApiId = this.api.id;
    const model = (this.model = new ApiGatewayModel(this, 'submit-model', {
      restApiId,
      name: 'SubmitJobRequest',
      contentType: 'application/json',
      schema: JSON.stringify(props.requestModel),
    }));
    const validator = (this.validator = new ApiGatewayRequestValidator(this, 'validator', {
      restApiId,
      name: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    }));

    const resources: ApiGatewayResource[] = [];
    const jobs = new ApiGatewayResource(this, 'jobs', { restApiId, parentId: this.api.rootResourceId, pathPart: 'jobs' });
    const job = new ApiGatewayResource(this, 'job', { restApiId, parentId: jobs.id, pathPart: '{jobId}' });
    const cancel = new ApiGatewayResource(this, 'cancel', { restApiId, parentId: job.id, pathPart: 'cancel' });
    const retry = new ApiGatewayResource(this, 'retry', { restApiId, parentId: job.id, pathPart: 'retry' });
    const openapi = new ApiGatewayResource(this, 'openapi', { restApiId, parentId: this.api.rootResourceId, pathPart: 'openapi.json' });
    const proxy = new ApiGatewayResource(this, 'proxy', { restApiId, parentId: this.api.rootResourceId, pathPart: '{proxy+}' });
    resources.push(jobs, job, cancel, retry, openapi, proxy);

    const integrations = this.integrations;
    const route = (
      name: string,
      resource: ApiGatewayResource,
      httpMethod: string,
      extra: Partial<ConstructorParameters<typeof ApiGatewayMethod>[2]> = {},
    ) => {
      const method = new ApiGatewayMethod(this, `${name}-method`, {
        restApiId,
        resourceId: resource.id,
        httpMethod,
        authorization: 'AWS_IAM',
        ...extra,
      });
      this.methods.push(method);
      integrations.push(
        new ApiGatewayIntegration(this, `${name}-integration`, {
          restApiId,
          resourceId: resource.id,
          httpMethod: method.httpMethod,
          type: 'AWS_PROXY',
          integrationHttpMethod: 'POST',
          uri: handler.fn.invokeArn,
        }),
      );
    };
    route('submit-job', jobs, 'POST', { requestValidatorId: validator.id, requestModels: { 'application/json': model.name } });
    route('list-jobs', jobs, 'GET', {
      requestParameters: {
        'method.request.querystring.status': false,
        'method.request.querystring.type': false,
        'method.request.querystring.limit': false,
        'method.request.querystring.nextToken': false,
        'method.request.querystring.owner': false,
      },
    });
    route('jobs-other', jobs, 'ANY');
    route('get-job', job, 'GET', { requestParameters: { 'method.request.path.jobId': true }, requestValidatorId: validator.id });
    route('job-other', job, 'ANY');
    route('cancel-job', cancel, 'POST', { requestParameters: { 'method.request.path.jobId': true }, requestValidatorId: validator.id });
    route('retry-job', retry, 'POST', { requestParameters: { 'method.request.path.jobId': true }, requestValidatorId: validator.id });
    route('openapi', openapi, 'GET');
    route('unknown-route', proxy, 'ANY');
    // CORS, when origins are configured: browsers send preflights unsigned, so OPTIONS alone is not IAM-authorized;
    // jobs-api answers them (204 for an allowed origin, 405 otherwise) and grants nothing else.
    if (settings.api.corsAllowedOrigins.length) {
      for (const [name, resource] of [
        ['jobs', jobs],
        ['job', job],
        ['cancel', cancel],
        ['retry', retry],
        ['openapi', openapi],
      ] as const) {
        route(`${name}-preflight`, resource, 'OPTIONS', { authorization: 'NONE' });
      }
    }

    const responses = GATEWAY_RESPONSES.map(
      (r) =>
        new ApiGatewayGatewayResponse(this, `response-${r.type.toLowerCase()}`, {
          restApiId,
          responseType: r.type,
          ...(r.status ? { statusCode: r.status } : {}),
          responseTemplates: { 'application/json': `{"error":{"code":"${r.code}","message":$context.error.messageString}}` },
        }),
    );

    new LambdaPermission(this, 'api-may-invoke', {
      statementId: 'AllowRestApi',
      action: 'lambda:InvokeFunction',
      functionName: handler.fn.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.api.executionArn}/${stageName}/*`,
    });

    this.access = new ApiAccess(this, 'access', {
      settings,
      api: this.api,
      stageName,
      accountId: props.accountId,
      partition: props.partition,
      emulated: props.emulated,
    });

    // Any change to what the API is made of yields a new deployment; otherwise the stage keeps serving the old one.
    // The fingerprint is taken over the synthesized configuration itself, so no change can escape a hand-kept list.
    const servedBy: TerraformResource[] = [
      ...resources,
      ...this.methods,
      ...integrations,
      ...responses,
      model,
      validator,
      ...(this.access.resourcePolicy ? [this.access.resourcePolicy] : []),
    ];
    const fingerprint = Lazy.stringValue({
      produce: (context) =>
        apiFingerprint(
          context.resolve({ served: servedBy.map((resource) => resource.toTerraform()), resourcePolicy: this.access.policyShape }),
        ),
    });
    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId,
      triggers: { redeployment: fingerprint },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: servedBy,
    });

    const accessLogs = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${names.api}`,
      retentionInDays: settings.logRetentionDays,
      kmsKeyId: props.key.arn,
    });
    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId,
      deploymentId: deployment.id,
      stageName,
      xrayTracingEnabled: true,
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: JSON.stringify({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          caller: '$context.identity.caller',
          user: '$context.identity.userArn',
          requestTime: '$context.requestTime',
          httpMethod: '$context.httpMethod',
          resourcePath: '$context.resourcePath',
          status: '$context.status',
          responseLength: '$context.responseLength',
          integrationLatency: '$context.integrationLatency',
          errorMessage: '$context.error.message',
        }),
      },
    });
    new ApiGatewayMethodSettings(this, 'throttling', {
      restApiId,
      stageName: this.stage.stageName,
      methodPath: '*/*',
      settings: {
        throttlingRateLimit: settings.api.throttlingRateLimit,
        throttlingBurstLimit: settings.api.throttlingBurstLimit,
        metricsEnabled: true,
      },
    });

    if (settings.access.waf.enabled) this.firewall = new ApiFirewall(this, 'firewall', { settings, stage: this.stage });
  }
}

/** The deployment's trigger: a digest of everything the stage serves, as Terraform will see it. */
export function apiFingerprint(synthesized: unknown): string {
  return createHash('sha256').update(JSON.stringify(synthesized)).digest('hex');
}
