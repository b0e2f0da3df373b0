import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';

export interface Grant {
  /** Says why the role needs it; becomes the statement id. */
  sid: string;
  actions: string[];
  resources: string[];
  conditions?: DataAwsIamPolicyDocumentStatement['condition'];
}

/**
 * A policy document from explicit grants. Refuses wildcard actions at synth time, so that a
 * careless grant fails the build rather than ships; `*` resources only where a grant says so.
 */
export function leastPrivilegePolicy(scope: Construct, id: string, grants: Grant[]): DataAwsIamPolicyDocument {
  for (const grant of grants) {
    const wildcard = grant.actions.find((action) => action.includes('*'));
    if (wildcard) throw new Error(`${id}/${grant.sid}: wildcard action ${wildcard} is not allowed`);
    if (!/^[A-Za-z0-9]+$/.test(grant.sid)) throw new Error(`${id}: statement id ${grant.sid} must be alphanumeric`);
  }
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: grants.map((grant) => ({
      sid: grant.sid,
      effect: 'Allow',
      actions: grant.actions,
      resources: grant.resources,
      condition: grant.conditions,
    })),
  });
}
