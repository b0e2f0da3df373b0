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
  credentials?: { accessKeyId: string; secretAccessKey: string };
}
