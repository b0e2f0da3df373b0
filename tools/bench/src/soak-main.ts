import { report } from './bench-result';
import { DEFAULT_SOAK, soak } from './soak';

/**
 * `npm run soak` (`-- --jobs 2000` for a shorter one): exits 1 unless every target is met: every job
 * finished, once, with no lost update; every injected duplicate arrived and was turned away; the
 * offered rate was sustained. CI runs it after `npm test`.
 */
async function main(): Promise<void> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const jobsFlag = process.argv.indexOf('--jobs');
  const jobs = jobsFlag === -1 ? DEFAULT_SOAK.jobs : Number(process.argv[jobsFlag + 1]);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs takes a positive whole number, not "${process.argv[jobsFlag + 1]}"`);
  const started = Date.now();
  process.stdout.write(`soak: ${jobs} jobs through the local system\n`);
  const result = await soak({ ...DEFAULT_SOAK, jobs }, (line) => process.stdout.write(`${line}\n`));
  report(result);
  process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  const unmet = result.targets.filter((target) => !target.met);
  if (unmet.length)
    throw new Error(
      `${unmet.map((target) => target.name).join('; ')}: not met (${result.verdict.problems.length} problem(s); see the notes above)`,
    );
}

main().catch((error: Error) => {
  process.stderr.write(`soak: ${error.message}\n`);
  process.exit(1);
});
