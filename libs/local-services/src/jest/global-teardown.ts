/** Stops what global-setup started, so that a test run leaves no Java or Python process behind. */
export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.__asyncJobsTestServices ?? []).map((service) => service.stop()));
  globalThis.__asyncJobsTestServices = undefined;
}
