import { inPlaceUpdatesMotoCannotApply } from './in-place-updates-moto-cannot-apply';
import { aNoOp, aReplacement, anUpdate } from './testing/resource-change-factories';

describe('inPlaceUpdatesMotoCannotApply', () => {
  it('names an API Gateway model the plan updates in place', () => {
    // Prepare
    const plan = { resource_changes: [anUpdate('aws_api_gateway_model'), anUpdate('aws_lambda_function')] };

    // Act
    const addresses = inPlaceUpdatesMotoCannotApply(plan);

    // Assess
    expect(addresses).toEqual(['aws_api_gateway_model.api_gateway_model_1']);
  });

  it('leaves out a model the plan replaces already or does not change', () => {
    const plan = { resource_changes: [aReplacement('aws_api_gateway_model', [['name']]), aNoOp('aws_api_gateway_model')] };

    expect(inPlaceUpdatesMotoCannotApply(plan)).toEqual([]);
  });
});
