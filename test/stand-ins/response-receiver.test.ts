import * as https from 'https';
import * as tls from 'tls';
import { ResponseReceiver } from '../../tools/stand-ins/response-receiver';
import { selfSignedCertificate } from '../../tools/stand-ins/tls';

/** The S3 stand-in is as strict as S3 with a presigned PUT URL. */

let receiver: ResponseReceiver;
beforeAll(async () => {
  receiver = await ResponseReceiver.start();
});
afterAll(async () => receiver.stop());

function send(url: string, options: { method?: string; chunked?: boolean; body?: string }): Promise<number> {
  const body = options.body ?? '{"Status":"SUCCESS"}';
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (!options.chunked) {
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = https.request(url, { method: options.method ?? 'PUT', headers, ca: selfSignedCertificate().cert }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    if (options.chunked) {
      req.write(body.slice(0, 3));
      req.end(body.slice(3));
    } else {
      req.end(body);
    }
  });
}

test('accepts a PUT with a Content-Length to the exact URL it issued, over TLS', async () => {
  const url = receiver.issueUrl();
  expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/cfn-response\/.+\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Signature=/);
  expect(await send(url, {})).toBe(200);
  expect(receiver.responsesFor(url).map((r) => r.json)).toEqual([{ Status: 'SUCCESS' }]);
});

test('issues URLs shaped as CloudFormation\'s, signed now and valid for 7200 s: a PUT after that is refused as S3 refuses it', async () => {
  let now = Date.parse('2026-12-07T05:01:02.345Z');
  const clocked = await ResponseReceiver.start({ now: () => now });
  try {
    const url = clocked.issueUrl();
    expect(new URL(url).searchParams.get('X-Amz-Date')).toBe('20261207T050102Z');
    expect(new URL(url).searchParams.get('X-Amz-Credential')).toBe('AKIAIOSFODNN7EXAMPLE/20261207/us-east-1/s3/aws4_request');
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    now += 7_200_000;
    expect(await send(url, {})).toBe(200);
    const late = clocked.issueUrl();
    now += 7_200_001;
    expect(await send(late, {})).toBe(403);
    expect(clocked.rejected.at(-1)).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(clocked.responsesFor(late)).toHaveLength(0);
  } finally {
    await clocked.stop();
  }
});

test.each([
  ['a changed query', (u: string) => u.replace('X-Amz-Expires=7200', 'X-Amz-Expires=7201'), {}, 403, 'SignatureDoesNotMatch'],
  ['a changed path', (u: string) => u.replace('/cfn-response/', '/cfn-response/x'), {}, 403, 'SignatureDoesNotMatch'],
  ['a decoded path', (u: string) => u.replace(/%3A/g, ':'), {}, 403, 'SignatureDoesNotMatch'],
  ['a POST', (u: string) => u, { method: 'POST' }, 405, 'MethodNotAllowed'],
  ['a chunked body', (u: string) => u, { chunked: true }, 501, 'NotImplemented'],
])('rejects %s', async (_, change, options, status, code) => {
  const url = receiver.issueUrl();
  expect(await send(change(url), options)).toBe(status);
  expect(receiver.rejected.at(-1)).toMatchObject({ status, code });
  expect(receiver.responsesFor(url)).toHaveLength(0);
});

test('rejects a PUT without Content-Length', async () => {
  const url = new URL(receiver.issueUrl());
  // Written by hand: Node's client always adds a length or chunking.
  const status = await new Promise<number>((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: selfSignedCertificate().cert }, () => {
      socket.end(`PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
    });
    let raw = '';
    socket.on('data', (d) => (raw += d.toString()));
    socket.on('end', () => resolve(Number(raw.split(' ')[1])));
    socket.on('error', reject);
  });
  expect(status).toBe(411);
  expect(receiver.rejected.at(-1)).toMatchObject({ code: 'MissingContentLength' });
});

test('records every PUT, so a second response to one event is visible', async () => {
  const url = receiver.issueUrl();
  await send(url, {});
  await send(url, {});
  expect(receiver.responsesFor(url)).toHaveLength(2);
});
