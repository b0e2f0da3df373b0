// A bundle of its own (sdk-eventbridge.js beside main.js, an additional entry point of this app's build): the failed-events bus (a failure the error handler cannot record) is a
// rare path, so no cold start parses this client; `sdkModule('sdk-eventbridge.js')` loads it at its first use.
export * from '@aws-sdk/client-eventbridge';
