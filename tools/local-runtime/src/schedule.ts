import { randomUUID } from 'node:crypto';
import type { LocalFunction } from './local-function';
import type { RuntimeLog } from './runtime-log';

/**
 * An EventBridge schedule played locally: every `intervalMs` the function is invoked with a
 * "Scheduled Event", as the rule delivers it in AWS. A tick that comes while the previous
 * invocation still runs is skipped (in AWS they would overlap; the sweep is safe either way).
 */
export class Schedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly options: {
      fn: LocalFunction;
      intervalMs: number;
      ruleArn: string;
      region: string;
      accountId: string;
      log: RuntimeLog;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick().finally(() => (this.running = undefined));
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    const { fn, ruleArn, region, accountId, log } = this.options;
    const result = await fn.invoke({
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: accountId,
      time: new Date().toISOString(),
      region,
      resources: [ruleArn],
      detail: {},
    });
    if (!result.ok) log.warn(`${fn.name} failed on its schedule: ${result.errorType}: ${result.errorMessage}`);
  }
}
