import { Construct } from 'constructs';
import type { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { resourceName, type DeploymentSettings } from '@async-jobs/platform';

/** AWS's managed rule groups the web ACL runs, in order, and the rules of each that only count. */
export const MANAGED_RULE_GROUPS = [
  // The common rule set blocks bodies above 8 KB; the API's own limit (16 KB by default) is checked by API Gateway and jobs-api.
  { name: 'AWSManagedRulesCommonRuleSet', countOnly: ['SizeRestrictions_BODY'] },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', countOnly: [] },
  { name: 'AWSManagedRulesAmazonIpReputationList', countOnly: [] },
] as const;

const visibility = (metricName: string) => ({ SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: metricName });

/**
 * An AWS WAF web ACL on the API's stage, when the environment asks for one: a rate-based rule per
 * client IP first (cheap, and it blocks floods before the managed rules are paid for), then AWS's
 * managed rule groups. Requests it blocks answer 403 `REQUEST_BLOCKED` (the WAF_FILTERED gateway
 * response) and never reach the API's own throttling or Lambda.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: Wafv2WebAcl;

  constructor(scope: Construct, id: string, props: { settings: DeploymentSettings; stage: ApiGatewayStage }) {
    super(scope, id);
    const name = resourceName(props.settings.environment, 'api-firewall');
    const rules = [
      {
        Name: 'rate-limit-per-ip',
        Priority: 0,
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: props.settings.access.waf.requestsPerFiveMinutesPerIp, AggregateKeyType: 'IP' } },
        VisibilityConfig: visibility(`${name}-rate-limit`),
      },
      ...MANAGED_RULE_GROUPS.map((group, i) => ({
        Name: group.name,
        Priority: i + 1,
        OverrideAction: { None: {} },
        Statement: {
          ManagedRuleGroupStatement: {
            VendorName: 'AWS',
            Name: group.name,
            ...(group.countOnly.length
              ? { RuleActionOverrides: group.countOnly.map((rule) => ({ Name: rule, ActionToUse: { Count: {} } })) }
              : {}),
          },
        },
        VisibilityConfig: visibility(`${name}-${group.name}`),
      })),
    ];
    this.webAcl = new Wafv2WebAcl(this, 'web-acl', {
      name,
      scope: 'REGIONAL',
      description: 'async-jobs API: a rate limit per client IP and AWS managed rule groups',
      defaultAction: { allow: {} },
      ruleJson: JSON.stringify(rules),
      visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
    new Wafv2WebAclAssociation(this, 'association', { resourceArn: props.stage.arn, webAclArn: this.webAcl.arn });
  }
}
