// A bundle of its own (sdk-s3.js beside main.js, an additional entry point of this app's build): only a job with a result
// too large for its item needs a link, so no cold start parses S3's client or the presigner; loaded at the first such GET.
export * from '@aws-sdk/client-s3';
export { getSignedUrl } from '@aws-sdk/s3-request-presigner';
