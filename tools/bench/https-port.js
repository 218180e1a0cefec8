/* eslint-disable */
// Loaded with `node --require` into AwsCustomResource's environments in the storm bench: its handler
// PUTs to https://HOST/PATH without a port, so its requests are pointed at the local receiver's.
'use strict';
const https = require('https');
const port = Number(process.env.BENCH_RECEIVER_PORT);
const request = https.request;
https.request = function (options, callback) {
  return request.call(https, typeof options === 'object' && !(options instanceof URL) ? { ...options, port } : options, callback);
};
console.log = () => {}; // its logs are not measured
