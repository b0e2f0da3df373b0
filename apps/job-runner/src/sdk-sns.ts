// A bundle of its own (sdk-sns.js beside main.js, an additional entry point of this app's build): the error topic (a run's permanent failure) is a
// rare path, so no cold start parses this client; `sdkModule('sdk-sns.js')` loads it at its first use.
export * from '@aws-sdk/client-sns';
