import { planChangeCounts } from './plan-change-counts';
import { aDeletion, aNoOp, aReplacement, aResourceChange, anUpdate } from './testing/resource-change-factories';

describe('planChangeCounts', () => {
  it('counts a replacement in either order once, as a replacement', () => {
    // Prepare
    const plan = {
      resource_changes: [
        aReplacement('aws_lambda_function', [['function_name']]),
        aResourceChange('aws_iam_role', ['create', 'delete']),
        aResourceChange('aws_sns_topic', ['create']),
        anUpdate('aws_sqs_queue'),
        aDeletion('aws_s3_bucket'),
        aNoOp('aws_kms_key'),
      ],
    };

    // Act
    const counts = planChangeCounts(plan);

    // Assess
    expect(counts).toEqual({ create: 1, update: 1, replace: 2, delete: 1, unchanged: 1 });
  });

  it('leaves data sources out', () => {
    const read = { ...aResourceChange('aws_iam_policy_document', ['read']), mode: 'data' as const };

    expect(planChangeCounts({ resource_changes: [read] })).toEqual({ create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 });
  });
});
