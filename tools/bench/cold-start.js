/* eslint-disable */
// One cold start in a fresh node process: load a handler, then run its first lookup (one
// GetEventStream against the local stand-in and the response PUT to the local receiver).
// Usage: node cold-start.js <handler file> <event JSON>. Prints {"millis": ...} on stdout.
'use strict';
// Plumbing, before the clock starts, loaded the same way for both handlers: AwsCustomResource's
// handler PUTs to https://HOST/PATH without a port, so its requests are pointed at the receiver's.
const https = require('https');
const port = Number(process.env.BENCH_RECEIVER_PORT);
const request = https.request;
https.request = function (options, callback) {
  return request.call(https, typeof options === 'object' && !(options instanceof URL) ? { ...options, port } : options, callback);
};
console.log = () => {}; // both handlers log; the cost of a terminal is not the handler's

const started = process.hrtime.bigint();
const { handler } = require(process.argv[2]);
const loaded = process.hrtime.bigint();
const event = JSON.parse(process.argv[3]);
Promise.resolve(handler(event, { getRemainingTimeInMillis: () => 60000, functionName: 'bench', logStreamName: 'bench' }))
  .then(() => {
    const done = process.hrtime.bigint();
    process.stdout.write(JSON.stringify({ loadMillis: Number(loaded - started) / 1e6, millis: Number(done - started) / 1e6 }) + '\n');
  })
  .catch((error) => {
    process.stderr.write(String(error && error.stack || error));
    process.exitCode = 1;
  });
