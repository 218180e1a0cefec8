/* eslint-disable */
// One cold start in a fresh node process: load a handler, then run its first lookup (one
// GetEventStream against the local stand-in and the response PUT to the local receiver).
// Usage: node cold-start.js <handler file> <event JSON>. Prints one JSON line on stdout, every
// figure in ms from the process's time origin (performance.timeOrigin: when node started):
// started (node's own start, before this script runs), loaded (the handler module required),
// fetchStarted / fetchSync / fetched (the first GetEventStream: when it was called, when its
// synchronous part returned, which creates the SDK client, and when it resolved), putStarted / done
// (the response PUT). The fetch and PUT marks need the handler's `external` seam (EventStreamLookup);
// for a handler without one they are absent.
'use strict';
const { performance } = require('perf_hooks');
// Plumbing, before the clock starts, loaded the same way for both handlers: AwsCustomResource's
// handler PUTs to https://HOST/PATH without a port, so its requests are pointed at the receiver's.
const https = require('https');
const port = Number(process.env.BENCH_RECEIVER_PORT);
const request = https.request;
https.request = function (options, callback) {
  return request.call(https, typeof options === 'object' && !(options instanceof URL) ? { ...options, port } : options, callback);
};
console.log = () => {}; // both handlers log; the cost of a terminal is not the handler's

const marks = { started: performance.now() };
const mod = require(process.argv[2]);
marks.loaded = performance.now();
if (mod.external && typeof mod.external.fetch === 'function') {
  const { fetch, put } = mod.external;
  mod.external.fetch = (...args) => {
    marks.fetchStarted ??= performance.now();
    const pending = fetch(...args);
    marks.fetchSync ??= performance.now();
    return pending.then((value) => {
      marks.fetched ??= performance.now();
      return value;
    });
  };
  mod.external.put = (...args) => {
    marks.putStarted ??= performance.now();
    return put(...args);
  };
}
const event = JSON.parse(process.argv[3]);
Promise.resolve(mod.handler(event, { getRemainingTimeInMillis: () => 60000, functionName: 'bench', logStreamName: 'bench' }))
  .then(() => {
    marks.done = performance.now();
    // CPU time of the whole process so far (node's start included): less sensitive to a busy machine than wall time.
    const cpu = process.cpuUsage();
    marks.cpu = (cpu.user + cpu.system) / 1000;
    process.stdout.write(JSON.stringify(marks) + '\n');
  })
  .catch((error) => {
    process.stderr.write(String(error && error.stack || error));
    process.exitCode = 1;
  });
