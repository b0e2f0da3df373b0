import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS_CAPTURE_FILE } from '../local-system-process';

/**
 * Jest global setup of the end-to-end suite: every local system a spec stops appends the EMF lines
 * it printed to one file, emptied here, which the metrics contract spec (run last) reads.
 */
export default function captureMetrics(): void {
  const dir = join(__dirname, '../../../../tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'e2e-metrics.jsonl');
  writeFileSync(file, '');
  process.env[METRICS_CAPTURE_FILE] = file;
}
