/** The AWS resources the local system created, by name and ARN. */
export interface LocalResources {
  tableName: string;
  streamArn: string;
  errorTopicArn: string;
  errorSubscriptionArn: string;
  /** Stands in for the error handler's Lambda subscription to the topic. */
  errorQueueUrl: string;
  failedEventsBus: string;
  failedEventsBusArn: string;
  archiveName: string;
  archiveArn: string;
  replayRuleArn: string;
  /** Stands in for the replay rule's Lambda target. */
  replayQueueUrl: string;
  /** Results too large for the job item; their links are presigned GETs against moto. */
  resultsBucket: string;
  /** Where job events go: add a rule to it to receive them. */
  jobEventsBus: string;
  /** Where the job-events bus's rule puts finished jobs that asked to be notified; the webhook sender reads it. */
  webhookQueueUrl: string;
  webhookQueueArn: string;
}

/** What a running local system writes to its state file (`.local/runtime.json`). */
export interface LocalSystemState {
  pid: number;
  apiUrl: string;
  region: string;
  dynamodbEndpoint: string;
  motoEndpoint: string;
  accountId: string;
  resources: LocalResources;
  consumers: string[];
  /** The secret the webhooks of this run are signed with (in Secrets Manager on moto as well): verify deliveries with it. */
  webhookSecret: string;
  /** With `--auth`: who may call the API, each with its keys (callers first; the first is the CLI's default). */
  principals?: LocalPrincipal[];
}

/**
 * A principal the local gateway knows: its keys, and the identity API Gateway would pass on for it
 * (`requestContext.identity`). Temporary credentials (an assumed role's session) carry a session
 * token that every request must present.
 */
export interface LocalPrincipal {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** `arn:aws:iam::<account>:user/<name>`, or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  userArn: string;
  accountId: string;
  /** The user id, or the role id and session name (`AROA…:session`). */
  caller: string;
  operator: boolean;
}
