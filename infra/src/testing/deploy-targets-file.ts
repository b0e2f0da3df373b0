import type { DeployTargetsFile } from '../deploy-targets';

/** A complete deploy-targets.json: one account per environment, the standard Lambda quota. */
export const aTargetsFile = (overrides: Partial<DeployTargetsFile> = {}): DeployTargetsFile => ({
  repository: 'example-org/async-jobs',
  stateRegion: 'eu-west-1',
  environments: {
    dev: { accountId: '111111111111', lambdaConcurrencyQuota: 1000 },
    staging: { accountId: '222222222222', lambdaConcurrencyQuota: 1000 },
    prod: { accountId: '333333333333', lambdaConcurrencyQuota: 1000 },
  },
  ...overrides,
});
