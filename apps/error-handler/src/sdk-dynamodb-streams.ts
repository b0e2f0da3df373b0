// A bundle of its own (sdk-dynamodb-streams.js beside main.js, an additional entry point of this app's build): the stream reader (an event source's on-failure record) is a
// rare path, so no cold start parses this client; `sdkModule('sdk-dynamodb-streams.js')` loads it at its first use.
export * from '@aws-sdk/client-dynamodb-streams';
