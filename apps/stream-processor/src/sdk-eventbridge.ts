// A bundle of its own (sdk-eventbridge.js beside main.js, an additional entry point of this app's build): only the announcing
// consumer publishes job events, so no cold start parses this client; `sdkModule('sdk-eventbridge.js')` loads it at its first use.
export * from '@aws-sdk/client-eventbridge';
