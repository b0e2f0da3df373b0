// A bundle of its own (sdk-lambda.js beside main.js, an additional entry point of this app's build): the runner's invoke (a dispatched run) is a
// rare path, so no cold start parses this client; `sdkModule('sdk-lambda.js')` loads it at its first use.
export * from '@aws-sdk/client-lambda';
