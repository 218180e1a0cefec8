import { Sha256 } from '@aws-crypto/sha256-js';
import {
  AccessDeniedException,
  BadRequestException,
  CustomerProfilesClient,
  CustomerProfilesServiceException,
  GetEventStreamCommand,
  InternalServerException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-customer-profiles';
import { SignatureV4 } from '@smithy/signature-v4';
import { extractGetEventStream, loadBotocoreModel, readExtract, renderExtract } from '../../tools/service-model/extract';
import { CustomerProfilesStandIn, ERROR_STATUS, ErrorType, StandInStream } from '../../tools/stand-ins/customer-profiles';
import { TEST_CREDENTIALS } from '../../tools/stand-ins/sigv4';
import { BOTOCORE, describeWithTool } from '../fixtures/optional-tools';

/** The stand-in is only useful if the real SDK cannot tell it from the service: these tests prove it. */

const stream: StandInStream = {
  createdAt: new Date('2026-01-15T10:00:00.250Z'),
  state: 'STOPPED',
  stoppedSince: new Date('2026-11-30T08:00:00Z'),
  destination: {
    uri: 'arn:aws:kinesis:us-east-1:123456789012:stream/retail-orders',
    status: 'UNHEALTHY',
    unhealthySince: new Date('2026-11-30T07:55:00Z'),
    message: 'AccessDenied on PutRecords',
  },
  tags: { team: 'retail' },
};

let standIn: CustomerProfilesStandIn;
const client = (overrides: Record<string, unknown> = {}) =>
  new CustomerProfilesClient({ region: 'us-east-1', endpoint: standIn.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1, ...overrides });
const get = (c = client(), DomainName = 'retail-profiles', EventStreamName = 'returns') =>
  c.send(new GetEventStreamCommand({ DomainName, EventStreamName }));

beforeAll(async () => {
  standIn = await CustomerProfilesStandIn.start();
  standIn.putStream('retail-profiles', 'returns', stream);
});
afterAll(async () => standIn.stop());

describe('parsed by the real SDK client', () => {
  test('a stream comes out as the typed GetEventStreamResponse', async () => {
    const output = await get();
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(output).toMatchObject({
      DomainName: 'retail-profiles',
      EventStreamArn: 'arn:aws:profile:us-east-1:123456789012:domains/retail-profiles/event-streams/returns',
      CreatedAt: new Date('2026-01-15T10:00:00.250Z'),
      State: 'STOPPED',
      StoppedSince: new Date('2026-11-30T08:00:00Z'),
      DestinationDetails: {
        Uri: stream.destination.uri,
        Status: 'UNHEALTHY',
        UnhealthySince: new Date('2026-11-30T07:55:00Z'),
        Message: 'AccessDenied on PutRecords',
      },
      Tags: { team: 'retail' },
    });
    expect(output.CreatedAt).toBeInstanceOf(Date);
  });

  test.each([
    ['BadRequestException', BadRequestException],
    ['AccessDeniedException', AccessDeniedException],
    ['ResourceNotFoundException', ResourceNotFoundException],
    ['ThrottlingException', ThrottlingException],
    ['InternalServerException', InternalServerException],
  ] as Array<[ErrorType, typeof CustomerProfilesServiceException]>)('%s comes out as its modeled exception', async (type, cls) => {
    standIn.script('retail-profiles', 'returns', { kind: 'error', type, message: `scripted ${type}` });
    const error = await get().catch((e) => e);
    expect(error).toBeInstanceOf(cls);
    expect(error.name).toBe(type);
    expect(error.message).toBe(`scripted ${type}`);
    expect(error.$metadata.httpStatusCode).toBe(ERROR_STATUS[type]);
  });

  test('a missing stream and a missing domain are ResourceNotFoundException', async () => {
    await expect(get(client(), 'retail-profiles', 'nope')).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(get(client(), 'no-domain', 'returns')).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test('the SDK retries throttling and 5xx against it, then succeeds', async () => {
    standIn.script('retail-profiles', 'returns', { kind: 'error', type: 'ThrottlingException' }, { kind: 'error', type: 'InternalServerException' });
    const output = await get(client({ maxAttempts: 3 }));
    expect(output.$metadata.attempts).toBe(3);
  });

  test('the account-wide rate limit: burst at once, then the refill rate; beyond, 429 ThrottlingException as the service answers it', async () => {
    let now = 0;
    standIn.rateLimit({ requestsPerSecond: 2, burst: 3 }, () => now);
    try {
      const before = standIn.requests.length;
      // Any stream, any domain: one bucket for the account. A missing stream takes a token too.
      const results = await Promise.all([get(), get(client(), 'retail-profiles', 'nope'), get(), get()].map((p) => p.then(() => 'ok', (e) => e)));
      expect(results.slice(0, 3).map((r) => (r === 'ok' ? r : r.name))).toEqual(['ok', 'ResourceNotFoundException', 'ok']);
      const throttled = results[3];
      expect(throttled).toBeInstanceOf(ThrottlingException);
      expect(throttled).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $fault: 'client', $metadata: { httpStatusCode: 429 } });
      // The SDK's own retry strategy retries it (as it does the service's).
      await expect(get(client({ maxAttempts: 2 }))).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 2 } });
      now += 499; // not yet a whole token
      await expect(get()).rejects.toBeInstanceOf(ThrottlingException);
      now += 1; // one token at 2/s
      await expect(get()).resolves.toMatchObject({ State: 'STOPPED' });
      now += 60_000; // refills to the burst, no further
      const refilled = await Promise.all([get(), get(), get(), get()].map((p) => p.then(() => 'ok', (e) => e.name)));
      expect(refilled).toEqual(['ok', 'ok', 'ok', 'ThrottlingException']);
      expect(standIn.requests.slice(before).filter((r) => r.throttled)).toHaveLength(5);
      expect(standIn.throttledRequests).toBeGreaterThanOrEqual(3);
    } finally {
      standIn.rateLimit(undefined);
    }
    await expect(get()).resolves.toMatchObject({ State: 'STOPPED' });
  });

  test('a throttled request leaves the stream\'s script alone', async () => {
    standIn.rateLimit({ requestsPerSecond: 1, burst: 1 }, () => 0);
    standIn.script('retail-profiles', 'returns', { kind: 'error', type: 'AccessDeniedException' });
    try {
      await expect(get()).rejects.toBeInstanceOf(AccessDeniedException);
      await expect(get()).rejects.toBeInstanceOf(ThrottlingException);
    } finally {
      standIn.rateLimit(undefined);
    }
  });

  test('a delayed answer arrives after an immediate one; a hanging one never does', async () => {
    standIn.script('retail-profiles', 'returns', { kind: 'delay', ms: 300, then: { kind: 'stored' } });
    const order: string[] = [];
    const delayed = get().then(() => order.push('delayed'));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the delayed request is in first
    const immediate = get().then(() => order.push('immediate'));
    await Promise.all([delayed, immediate]);
    expect(order).toEqual(['immediate', 'delayed']);
    standIn.script('retail-profiles', 'returns', { kind: 'hang' });
    const error = await get(client({ requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } })).catch((e) => e);
    expect(error.name).toBe('TimeoutError');
  });
});

describe('signatures', () => {
  test('requests signed with other keys are refused', async () => {
    const error = await get(client({ credentials: { ...TEST_CREDENTIALS, secretAccessKey: 'wrong' } })).catch((e) => e);
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  test('unknown access keys are refused', async () => {
    const error = await get(client({ credentials: { ...TEST_CREDENTIALS, accessKeyId: 'AKIDOTHER' } })).catch((e) => e);
    expect(error.name).toBe('UnrecognizedClientException');
  });

  test('a signature for another region is refused', async () => {
    const error = await get(client({ region: 'eu-west-1' })).catch((e) => e);
    expect(error.name).toBe('InvalidSignatureException');
  });

  test('unsigned requests are refused', async () => {
    const response = await fetch(`${standIn.endpoint}/domains/retail-profiles/event-streams/returns`);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException/);
  });

  test('the recorded requests carry the signing problem', () => {
    expect(standIn.requests.some((r) => r.signingProblem === 'InvalidSignatureException')).toBe(true);
    expect(standIn.requests.filter((r) => !r.signingProblem).every((r) => r.method === 'GET')).toBe(true);
  });
});

describe('agrees with the service model (the checked-in extract of botocore\'s)', () => {
  const model = readExtract();
  const shapes = model.shapes as Record<string, any>;
  const operation = model.operation;

  test('route and method', () => {
    expect(operation.http).toEqual({ method: 'GET', requestUri: '/domains/{DomainName}/event-streams/{EventStreamName}' });
    expect(model.metadata.signingName).toBe('profile');
    expect(model.metadata.protocol).toBe('rest-json');
  });

  test('the same errors with the same status codes', () => {
    const modeled = Object.fromEntries(operation.errors.map((e: { shape: string }) => [e.shape, shapes[e.shape].error.httpStatusCode]));
    expect(modeled).toEqual(ERROR_STATUS);
  });

  test('the wire body uses only modeled members, all required ones, with the modeled types', async () => {
    const response = await fetchSigned('/domains/retail-profiles/event-streams/returns');
    checkShape(response, 'GetEventStreamResponse');

    function checkShape(value: any, shapeName: string): void {
      const shape = shapes[shapeName];
      switch (shape.type) {
        case 'structure':
          expect(Object.keys(value).every((k) => k in shape.members)).toBe(true);
          for (const required of shape.required ?? []) {
            expect(value).toHaveProperty(required);
          }
          for (const [member, v] of Object.entries(value)) {
            checkShape(v, shape.members[member].shape);
          }
          return;
        case 'timestamp':
          expect(typeof value).toBe('number'); // epoch seconds, rest-json's default
          return;
        case 'string':
          expect(typeof value).toBe('string');
          if (shape.enum) {
            expect(shape.enum).toContain(value);
          }
          if (shape.max) {
            expect(value.length).toBeLessThanOrEqual(shape.max);
          }
          return;
        case 'map':
          for (const [k, v] of Object.entries(value)) {
            checkShape(k, shape.key.shape);
            checkShape(v, shape.value.shape);
          }
          return;
        default:
          throw new Error(`unexpected shape type ${shape.type}`);
      }
    }
  });
});

/** Signs a GET with the SDK's own signer and returns the parsed body, to look at the raw wire format. */
async function fetchSigned(urlPath: string): Promise<any> {
  const url = new URL(urlPath, standIn.endpoint);
  const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: 'us-east-1', service: 'profile', sha256: Sha256 });
  const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.host, path: url.pathname, headers: { host: url.host }, query: {} });
  const response = await fetch(url, { headers: signed.headers });
  expect(response.status).toBe(200);
  return response.json();
}

describeWithTool(BOTOCORE, 'the checked-in service model extract matches the installed botocore', () => {
  test('tools/service-model/get-event-stream.json is current (else: npx projen service-model:extract)', () => {
    expect(renderExtract(readExtract())).toBe(renderExtract(extractGetEventStream(loadBotocoreModel())));
  });
});
