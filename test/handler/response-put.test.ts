import * as net from 'net';
import { httpPut, putResponse, ResponseTransport } from '../../lambda/respond';
import { HANDLER_TIMING } from '../../lambda/timing';
import { ResponseReceiver } from '../../tools/stand-ins/response-receiver';
import { startSilentServer } from '../fixtures/silent-server';

/**
 * The response PUT's policy, on a virtual clock: which statuses count as sent, which are retried,
 * how often, how long it waits between attempts, and how it honours its deadline.
 */

const URL_ = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=abc';

/** A transport that answers the scripted statuses (or throws), records each attempt's timeout, and sleeps virtually. */
function scripted(...answers: Array<number | Error>) {
  let now = 1_000_000;
  const attempts: Array<{ at: number; timeoutMs: number }> = [];
  const sleeps: number[] = [];
  const transport: ResponseTransport = {
    put: async (_url, _body, timeoutMs) => {
      attempts.push({ at: now, timeoutMs });
      const answer = answers.length > 1 ? answers.shift()! : answers[0];
      if (answer instanceof Error) {
        throw answer;
      }
      return answer;
    },
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { transport, attempts, sleeps, start: now };
}
const log = () => undefined;
/** Real sockets and real time: for the one test of a socket that never answers. */
const WALL_CLOCK: ResponseTransport = { put: httpPut, now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

describe('what counts as sent', () => {
  test.each([200, 204, 299])('%i is sent, at the first attempt', async (status) => {
    const t = scripted(status);
    await expect(putResponse(URL_, '{}', t.start + 60_000, log, t.transport)).resolves.toBe(true);
    expect(t.attempts).toHaveLength(1);
  });

  test.each([100, 199, 300, 301, 400, 403, 404, 499])('%i is not sent, and not retried: it will not change', async (status) => {
    const t = scripted(status);
    await expect(putResponse(URL_, '{}', t.start + 60_000, log, t.transport)).resolves.toBe(false);
    expect(t.attempts).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });

  test.each([500, 503, 599])('%i is retried, and a later 200 sends it', async (status) => {
    const t = scripted(status, 200);
    await expect(putResponse(URL_, '{}', t.start + 60_000, log, t.transport)).resolves.toBe(true);
    expect(t.attempts).toHaveLength(2);
  });

  test('a network error is retried', async () => {
    const t = scripted(new Error('ECONNRESET'), 200);
    await expect(putResponse(URL_, '{}', t.start + 60_000, log, t.transport)).resolves.toBe(true);
    expect(t.attempts).toHaveLength(2);
  });
});

describe('retries', () => {
  test(`at most ${HANDLER_TIMING.putMaxAttempts} attempts, with a doubling backoff from ${HANDLER_TIMING.putBackoffBaseMs} ms`, async () => {
    const t = scripted(503);
    await expect(putResponse(URL_, '{}', t.start + 600_000, log, t.transport)).resolves.toBe(false);
    expect(t.attempts).toHaveLength(6);
    expect(t.sleeps).toEqual([250, 500, 1000, 2000, 4000]);
  });

  test('each attempt is logged with its outcome (never the URL)', async () => {
    const t = scripted(503, new Error('socket hang up'), 403);
    const calls: unknown[][] = [];
    await putResponse(URL_, '{}', t.start + 60_000, (...args) => void calls.push(args), t.transport);
    expect(calls).toEqual([
      ['response rejected', { attempt: 1, status: 503 }],
      ['response not sent', { attempt: 2, error: 'socket hang up' }],
      ['response rejected', { attempt: 3, status: 403 }],
    ]);
    const sent = scripted(200);
    const sentCalls: unknown[][] = [];
    await putResponse(URL_, '{}', sent.start + 60_000, (...args) => void sentCalls.push(args), sent.transport);
    expect(sentCalls).toEqual([['response sent', { attempt: 1, status: 200 }]]);
  });

  test('an answer that never comes times out the attempt, with a message that says so', async () => {
    const silent = await startSilentServer();
    const calls: unknown[][] = [];
    try {
      // A deadline 0.8 s away: one attempt of 1 s (the minimum), then no time for a retry.
      await expect(putResponse(`http://127.0.0.1:${silent.port}/r?X-Amz-Signature=s`, '{}', Date.now() + 800, (...args) => void calls.push(args), WALL_CLOCK)).resolves.toBe(false);
    } finally {
      await silent.close();
    }
    expect(calls).toEqual([['response not sent', { attempt: 1, error: 'no answer within 1000 ms' }]]);
  });

  test('each attempt gets the time left, within 1 s and 10 s', async () => {
    const t = scripted(new Error('timeout'), new Error('timeout'), 200);
    await putResponse(URL_, '{}', t.start + 30_000, log, t.transport);
    expect(t.attempts[0].timeoutMs).toBe(10_000);
    const short = scripted(200);
    await putResponse(URL_, '{}', short.start + 4_321, log, short.transport);
    expect(short.attempts[0].timeoutMs).toBe(4_321);
    const late = scripted(200);
    await putResponse(URL_, '{}', late.start + 200, log, late.transport);
    expect(late.attempts[0].timeoutMs).toBe(1_000);
  });

  test('no retry is started unless its backoff and a second of headroom fit before the deadline', async () => {
    // 250 ms backoff + 1000 ms headroom = 1250 ms: a deadline 1249 ms away allows no retry...
    const tight = scripted(503, 200);
    await expect(putResponse(URL_, '{}', tight.start + 1_249, log, tight.transport)).resolves.toBe(false);
    expect(tight.attempts).toHaveLength(1);
    // ...1250 ms away, exactly one.
    const exact = scripted(503, 200);
    await expect(putResponse(URL_, '{}', exact.start + 1_250, log, exact.transport)).resolves.toBe(true);
    expect(exact.attempts.map((a) => a.at - exact.start)).toEqual([0, 250]);
  });

  test('the deadline stops the retries before the attempt limit', async () => {
    const t = scripted(503);
    // Attempts at 0, 250, 750, 1750 ms; the next would wait 2000 ms and need 1000 ms more: past 4000.
    await expect(putResponse(URL_, '{}', t.start + 4_000, log, t.transport)).resolves.toBe(false);
    expect(t.attempts.map((a) => a.at - t.start)).toEqual([0, 250, 750, 1750]);
  });
});

describe('the HTTP(S) request itself', () => {
  test('an https ResponseURL goes over TLS (S3 presigned URLs are https): the server\'s certificate is checked', async () => {
    // The receiver's certificate is self-signed and this process does not trust it: only a TLS
    // handshake can fail this way (plain HTTP to a TLS port fails with a reset, not a certificate).
    const receiver = await ResponseReceiver.start({ tls: true });
    try {
      const url = receiver.issueUrl();
      expect(url.startsWith('https:')).toBe(true);
      await expect(httpPut(url, '{}', 5_000)).rejects.toThrow(/self-signed certificate/);
      expect(receiver.responsesFor(url)).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });

  test('a connection cut in the middle of the answer rejects with the cause, not a timeout', async () => {
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await expect(httpPut(`http://127.0.0.1:${port}/r`, '{}', 60_000)).rejects.toThrow(/aborted/);
    } finally {
      server.close();
    }
  });
});
