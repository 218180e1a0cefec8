import { GetEventStreamCommand } from '@aws-sdk/client-customer-profiles';
import { CfnResponse, MAX_BODY_BYTES, MAX_REASON_BYTES, httpPut, putResponse, renderBody } from '../../lambda/respond';
import { ResponseReceiver } from '../../tools/stand-ins/response-receiver';
import { createEvent, KINESIS_ARN, stoppedStream } from '../fixtures/events';
import { HandlerHarness } from '../fixtures/harness';

const base: CfnResponse = {
  Status: 'SUCCESS',
  Reason: 'ok',
  PhysicalResourceId: 'p',
  StackId: 's',
  RequestId: 'r',
  LogicalResourceId: 'l',
  NoEcho: false,
};

describe('renderBody keeps every response under the 4096-byte limit', () => {
  test('a small response is untouched', () => {
    expect(JSON.parse(renderBody(base))).toEqual(base);
  });

  test('a long destination message is cut first, with a marker', () => {
    const body = renderBody({ ...base, Data: { DestinationMessage: '\u0001"'.repeat(1000), Uri: KINESIS_ARN } });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    const parsed = JSON.parse(body);
    expect(parsed.Data.DestinationMessage).toMatch(/\.\.\.\[truncated\]$/);
    expect(parsed.Data.Uri).toBe(KINESIS_ARN);
    expect(parsed.Reason).toBe('ok');
  });

  test('multi-byte text is cut on whole characters', () => {
    const body = renderBody({ ...base, Reason: '😀'.repeat(3000) });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(JSON.parse(body).Reason).not.toContain('\uFFFD');
  });

  /** The longest ids CloudFormation sends: a 128-character stack name, a 255-character logical id, a 1 KB physical id. */
  const longestIds = {
    StackId: `arn:aws-us-gov:cloudformation:us-gov-west-1:123456789012:stack/${'S'.repeat(128)}/2b6e2a70-9f6c-11ef-8f2b-0a1b2c3d4e5f`,
    RequestId: '0d2f1b7a-4c5e-4f3a-9b8d-7e6f5a4b3c2d',
    LogicalResourceId: 'L'.repeat(255),
    PhysicalResourceId: 'P'.repeat(1024),
  };

  test('ids are never cut, even at their longest with a huge Reason and huge attributes: CloudFormation matches them exactly', () => {
    const body = renderBody({ ...base, ...longestIds, Reason: `found: ${'r'.repeat(9000)}`, Data: { DomainName: 'd'.repeat(9000), Uri: 'u'.repeat(9000), DestinationMessage: 'm'.repeat(9000) } });
    const parsed = JSON.parse(body);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(parsed).toMatchObject(longestIds);
    expect(parsed.Reason).toMatch(/^found: r+\.\.\.\[truncated\]$/);
    expect(parsed.Data.DestinationMessage).toBe(''); // given way first: not even the marker fits
  });

  test('the Reason is cut last: attributes give way first (found by fuzzing)', () => {
    const body = renderBody({ ...base, ...longestIds, Status: 'FAILED', Reason: 'invalid lookup properties: DomainName (missing)', Data: { DomainName: 'd'.repeat(9000) } });
    const parsed = JSON.parse(body);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(parsed.Reason).toBe('invalid lookup properties: DomainName (missing)');
    expect(parsed.Data.DomainName).toMatch(/^d+\.\.\.\[truncated\]$/);
  });

  test('a Reason is cut to MAX_REASON_BYTES even when the body would fit', () => {
    const parsed = JSON.parse(renderBody({ ...base, Reason: `found: ${' '.repeat(2000)}` }));
    expect(parsed.Reason).toMatch(/^found: +\.\.\.\[truncated\]$/);
    expect(Buffer.byteLength(JSON.stringify(parsed.Reason))).toBeLessThanOrEqual(MAX_REASON_BYTES);
  });
});

describe('cuts are as short as they can be: one more character would not fit', () => {
  /** The prefix length of a cut value, and the value with one more character. */
  const cut = (value: string) => {
    expect(value).toMatch(/^x*\.\.\.\[truncated\]$/);
    const kept = value.length - '...[truncated]'.length;
    return { kept, longer: `${'x'.repeat(kept + 1)}...[truncated]` };
  };

  test('the Reason at its own cap (MAX_REASON_BYTES exactly, with single-byte text)', () => {
    const { Reason } = JSON.parse(renderBody({ ...base, Reason: 'x'.repeat(3000) }));
    const { kept, longer } = cut(Reason);
    expect(Buffer.byteLength(JSON.stringify(Reason))).toBe(MAX_REASON_BYTES);
    expect(kept).toBe(MAX_REASON_BYTES - 2 - '...[truncated]'.length);
    expect(Buffer.byteLength(JSON.stringify(longer))).toBeGreaterThan(MAX_REASON_BYTES);
  });

  test('whatever the length, the cut keeps the same longest prefix (every path of the search)', () => {
    const kept = MAX_REASON_BYTES - 2 - '...[truncated]'.length;
    for (let length = kept - 5; length <= kept + 80; length++) {
      const { Reason } = JSON.parse(renderBody({ ...base, Reason: 'x'.repeat(length) }));
      expect(Reason).toBe(length + 2 <= MAX_REASON_BYTES ? 'x'.repeat(length) : `${'x'.repeat(kept)}...[truncated]`);
    }
  });

  test('an attribute cut to the body limit fills it exactly', () => {
    const response: CfnResponse = { ...base, Data: { DestinationMessage: 'x'.repeat(9000), Uri: KINESIS_ARN } };
    const body = renderBody(response);
    const parsed = JSON.parse(body);
    const { longer } = cut(parsed.Data.DestinationMessage);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    expect(Buffer.byteLength(JSON.stringify({ ...parsed, Data: { ...parsed.Data, DestinationMessage: longer } }))).toBeGreaterThan(MAX_BODY_BYTES);
  });

  test('with absurd ids (never sent by CloudFormation), the Reason is cut last to fit what remains', () => {
    const body = renderBody({ ...base, LogicalResourceId: 'L'.repeat(3000), Reason: 'x'.repeat(1400), Data: { DomainName: 'd'.repeat(500) } });
    const parsed = JSON.parse(body);
    expect(parsed.LogicalResourceId).toBe('L'.repeat(3000));
    expect(parsed.Data.DomainName).toBe('');
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    cut(parsed.Reason);
  });
});

describe('the handler with an oversized stream', () => {
  const h = HandlerHarness.forEachTest();

  test('50 long tags and a 1000-character message still fit, on success and on failure', async () => {
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${'k'.repeat(124)}${i}`.slice(0, 128), 'v'.repeat(256)]));
    const message = '"\\'.repeat(500);
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream({ Tags: tags, DestinationDetails: { Uri: KINESIS_ARN.padEnd(255, 'x'), Status: 'UNHEALTHY', Message: message } }));
    for (const properties of [{}, { RequiredState: 'RUNNING', RequireHealthyDestination: 'true' }]) {
      const url = h.newUrl();
      await h.respond(createEvent(url, properties));
      const [received] = h.receiver.responsesFor(url);
      expect(Buffer.byteLength(received.body)).toBeLessThan(4096);
      expect(received.headers['content-length']).toBe(String(Buffer.byteLength(received.body)));
    }
  });
});

describe('putResponse', () => {
  let receiver: ResponseReceiver;
  /** Real HTTP, virtual time: backoffs advance `now` instead of waiting. */
  let now = 0;
  const transport = { put: httpPut, now: () => now, sleep: async (ms: number) => void (now += ms) };
  beforeAll(async () => {
    receiver = await ResponseReceiver.start({ tls: false });
  });
  afterAll(async () => receiver.stop());
  const log = jest.fn();

  test('PUTs with a Content-Length, no chunking and an empty content type', async () => {
    const url = receiver.issueUrl();
    await expect(putResponse(url, '{"a":1}', now + 5000, log, transport)).resolves.toBe(true);
    expect(receiver.responsesFor(url)).toHaveLength(1);
    expect(receiver.responsesFor(url)[0].headers).toMatchObject({ 'content-length': '7', 'content-type': '' });
  });

  test('does not retry a 4xx (an altered or expired URL)', async () => {
    const url = receiver.issueUrl().replace('X-Amz-Signature=', 'X-Amz-Signature=0');
    const before = receiver.rejected.length;
    await expect(putResponse(url, '{}', now + 5000, log, transport)).resolves.toBe(false);
    expect(receiver.rejected.length - before).toBe(1);
    expect(receiver.rejected.at(-1)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  test.each([['not a url'], ['ftp://127.0.0.1/x'], ['']])('gives up at once on a ResponseURL that is not http(s): %p', async (url) => {
    log.mockClear();
    await expect(putResponse(url, '{}', now + 10_000, log, transport)).resolves.toBe(false);
    expect(log.mock.calls).toEqual([['response not sent: the ResponseURL is not an http(s) URL']]); // no attempt, no retry
  });

  test('retries network errors while time remains, then gives up', async () => {
    log.mockClear();
    const start = now;
    await expect(putResponse('http://127.0.0.1:9/unreachable', '{}', start + 3000, log, transport)).resolves.toBe(false);
    const attempts = log.mock.calls.filter(([message]) => message === 'response not sent').length;
    // At 0, 250, 750 and 1750 ms; a fifth (after 2 s more) could not finish with 1 s of headroom.
    expect(attempts).toBe(4);
    expect(now - start).toBe(1750);
  });
});

describe('renderBody priorities', () => {
  test('a long Reason is capped, so the attributes keep their room', () => {
    const body = renderBody({ ...base, Reason: 'r'.repeat(3000), Data: { DestinationMessage: 'm'.repeat(1000) } });
    const parsed = JSON.parse(body);
    expect(parsed.Data.DestinationMessage).toBe('m'.repeat(1000));
    expect(parsed.Reason).toMatch(/^r+\.\.\.\[truncated\]$/);
    expect(Buffer.byteLength(JSON.stringify(parsed.Reason))).toBeLessThanOrEqual(MAX_REASON_BYTES);
  });

  test('within its cap the Reason is cut last: the destination message gives way first', () => {
    const body = renderBody({ ...base, Reason: 'r'.repeat(1000), Data: { DestinationMessage: '"'.repeat(1900) } });
    const parsed = JSON.parse(body);
    expect(parsed.Reason).toBe('r'.repeat(1000));
    expect(parsed.Data.DestinationMessage).toMatch(/^"+\.\.\.\[truncated\]$/);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
  });
});
