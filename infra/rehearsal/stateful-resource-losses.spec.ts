import { describeStatefulResourceLoss, refuseStatefulResourceLosses, statefulResourceLosses } from './stateful-resource-losses';
import { aDeletion, aNoOp, aReplacement, aResourceChange, anUpdate } from './testing/resource-change-factories';

describe('statefulResourceLosses', () => {
  it('reports the replacement of a stateful resource with the attributes that force it', () => {
    // Prepare
    const plan = { resource_changes: [aReplacement('aws_dynamodb_table', [['name'], ['attribute', 0, 'type']])] };

    // Act
    const losses = statefulResourceLosses(plan);

    // Assess
    expect(losses.map(describeStatefulResourceLoss)).toEqual([
      'aws_dynamodb_table.dynamodb_table_1: delete+create (forced by name, attribute[0].type)',
    ]);
  });

  it('reports a replacement that creates the new resource before it destroys the old one', () => {
    const plan = {
      resource_changes: [aResourceChange('aws_kms_key', ['create', 'delete'], { replace_paths: [['customer_master_key_spec']] })],
    };

    expect(statefulResourceLosses(plan)).toEqual([
      { address: 'aws_kms_key.kms_key_1', actions: ['create', 'delete'], forcedBy: ['customer_master_key_spec'], reason: undefined },
    ]);
  });

  it('reports the deletion of a stateful resource, with the reason terraform gives', () => {
    const plan = { resource_changes: [aDeletion('aws_s3_bucket')] };

    expect(statefulResourceLosses(plan).map(describeStatefulResourceLoss)).toEqual([
      'aws_s3_bucket.s3_bucket_1: delete (forced by delete_because_no_resource_config)',
    ]);
  });

  it('lets an in-place update of a stateful resource through', () => {
    expect(statefulResourceLosses({ resource_changes: [anUpdate('aws_sqs_queue')] })).toEqual([]);
  });

  it('lets the replacement of a resource without state through', () => {
    expect(statefulResourceLosses({ resource_changes: [aReplacement('aws_lambda_function', [['function_name']])] })).toEqual([]);
  });

  it('lets a stateful resource the plan leaves alone through', () => {
    expect(statefulResourceLosses({ resource_changes: [aNoOp('aws_cloudwatch_log_group')] })).toEqual([]);
  });

  it('finds nothing in a plan without resource changes', () => {
    expect(statefulResourceLosses({})).toEqual([]);
  });

  it('stops the upgrade naming every loss, and lets a plan without one through', () => {
    const plan = {
      resource_changes: [aReplacement('aws_dynamodb_table', [['name']]), anUpdate('aws_sqs_queue'), aDeletion('aws_kms_key')],
    };
    expect(() => refuseStatefulResourceLosses(plan, 'abc123 the previous commit')).toThrow(
      /^the upgrade from abc123 the previous commit would replace or destroy 2 stateful resource\(s\):\n {2}aws_dynamodb_table\.\S+: delete\+create \(forced by name\)\n {2}aws_kms_key\.\S+: delete/,
    );
    expect(() => refuseStatefulResourceLosses({ resource_changes: [anUpdate('aws_dynamodb_table')] }, 'abc123')).not.toThrow();
  });
});
