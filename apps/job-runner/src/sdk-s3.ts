// A bundle of its own (sdk-s3.js beside main.js, an additional entry point of this app's build): a result too large for
// the job item is a rare path, so no cold start parses this client; `sdkModule('sdk-s3.js')` loads it at its first use.
export * from '@aws-sdk/client-s3';
