import { GetEventStreamCommand, GetEventStreamCommandOutput } from '@aws-sdk/client-customer-profiles';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import * as fc from 'fast-check';
import { external, handler } from '../../lambda/index';
import { createEvent, runningStream, STREAM_ARN } from '../fixtures/events';
import { HandlerHarness } from '../fixtures/harness';

/**
 * Property-based fault and bad-input tests: whatever the event and whatever the API does, the
 * handler answers exactly once, with valid JSON under 4096 bytes, SUCCESS or FAILED with a Reason,
 * and never throws. Seeds are fixed so that a failure reproduces (fast-check prints the path).
 */

// Thousands of invocations per property: seconds, not the default 5.
jest.setTimeout(120_000);

const h = HandlerHarness.forEachTest();

const CFN_LIMIT = 4096;

/** Invokes the handler and checks the one response it must send; returns it. */
async function exactlyOneValidResponse(event: Record<string, unknown>, remainingMs = 60_000): Promise<Record<string, any>> {
  const url = h.newUrl();
  h.logs = [];
  await expect(h.invoke({ ...event, ResponseURL: url }, remainingMs)).resolves.toBeDefined();
  const responses = h.receiver.responsesFor(url);
  expect(responses).toHaveLength(1);
  const body = responses[0].body;
  expect(Buffer.byteLength(body, 'utf8')).toBeLessThan(CFN_LIMIT);
  const json = JSON.parse(body);
  expect(['SUCCESS', 'FAILED']).toContain(json.Status);
  expect(typeof json.Reason).toBe('string');
  expect(json.Reason.length).toBeGreaterThan(0);
  expect(typeof json.PhysicalResourceId).toBe('string');
  expect(json.PhysicalResourceId.length).toBeGreaterThan(0);
  for (const key of ['StackId', 'RequestId', 'LogicalResourceId']) {
    expect(typeof json[key]).toBe('string');
    if (typeof event[key] === 'string') {
      expect(json[key]).toBe(event[key]); // never cut: CloudFormation matches ids exactly
    }
  }
  if (json.Data !== undefined) {
    expect(json.Status).toBe('SUCCESS');
    for (const value of Object.values(json.Data)) {
      expect(typeof value).toBe('string');
    }
  }
  return json;
}

// Arbitraries ---------------------------------------------------------------------------------

/** Long strings without generating them character by character. */
const huge = fc.tuple(fc.string({ minLength: 1, maxLength: 4, unit: 'grapheme' }), fc.integer({ min: 1_000, max: 40_000 })).map(([s, n]) => s.repeat(Math.ceil(n / s.length)));
const text = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 80 }) }, { weight: 1, arbitrary: huge }, { weight: 1, arbitrary: fc.constant('') });
const odd = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const validName = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
/** Garbage ids, but within CloudFormation's bounds (the handler never cuts an id: CloudFormation matches them exactly). */
const oddId = (maxLength: number) => fc.oneof(fc.string({ maxLength }), fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 1 }));

const requestType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('Create', 'Update', 'Delete') },
  { weight: 1, arbitrary: fc.constantFrom('create', 'DELETE', 'Upsert', '', ' Create') },
  { weight: 1, arbitrary: odd },
);

/** Properties that are mostly valid, each one sometimes replaced by garbage or dropped. */
const properties = fc.record(
  {
    ServiceToken: fc.constant('arn:aws:lambda:us-east-1:123456789012:function:f'),
    DomainName: fc.oneof({ weight: 5, arbitrary: validName }, { weight: 1, arbitrary: odd }),
    EventStreamName: fc.oneof({ weight: 5, arbitrary: validName }, { weight: 1, arbitrary: odd }),
    Region: fc.oneof(fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-5', 'mars', ''), odd),
    RoleArn: fc.oneof(fc.constant('arn:aws:iam::210987654321:role/Reader'), odd),
    ExternalId: fc.oneof(fc.constant('ext-id'), odd),
    RequiredState: fc.oneof(fc.constantFrom('RUNNING', 'STOPPED', 'PAUSED'), odd),
    RequireHealthyDestination: fc.oneof(fc.constantFrom('true', 'false', 'yes'), odd),
    WaitTimeoutSeconds: fc.oneof(fc.constantFrom('0', '5', '840', '841', '9999', '-1', '1.5'), odd),
    FailIfMissing: fc.oneof(fc.constantFrom('true', 'false'), odd),
    RefreshToken: text,
    Unknown: odd,
  },
  { requiredKeys: ['ServiceToken'] },
);

const envelope = fc.record(
  {
    RequestType: requestType,
    StackId: fc.oneof(fc.constant('arn:aws:cloudformation:us-east-1:123456789012:stack/S/1'), oddId(256)),
    RequestId: fc.oneof(fc.uuid(), oddId(64)),
    LogicalResourceId: fc.oneof(fc.constant('Orders'), oddId(255)),
    PhysicalResourceId: fc.oneof(fc.constant(STREAM_ARN), oddId(1024)),
    ResourceType: fc.oneof(fc.constant('Custom::EventStreamLookup'), odd),
    ResourceProperties: fc.oneof({ weight: 6, arbitrary: properties }, { weight: 1, arbitrary: odd }),
    OldResourceProperties: fc.oneof(properties, odd),
  },
  { requiredKeys: [] },
);

/** A date as the SDK gives it, or not quite. */
const date = fc.oneof(fc.date({ noInvalidDate: true }), fc.constant(new Date(Number.NaN)), fc.constant(undefined));
/** What GetEventStream returns: sometimes absent members, huge tags, long messages. */
const output: fc.Arbitrary<GetEventStreamCommandOutput> = fc.record(
  {
    $metadata: fc.constant({ httpStatusCode: 200 }),
    DomainName: text,
    EventStreamArn: fc.oneof(fc.constant(STREAM_ARN), text),
    CreatedAt: date,
    State: fc.oneof(fc.constantFrom('RUNNING', 'STOPPED'), text),
    StoppedSince: date,
    DestinationDetails: fc.record(
      {
        Uri: text,
        Status: fc.oneof(fc.constantFrom('HEALTHY', 'UNHEALTHY'), text),
        UnhealthySince: date,
        Message: text,
      },
      { requiredKeys: [] },
    ),
    Tags: fc.dictionary(fc.string({ maxLength: 128 }), fc.oneof(fc.string({ maxLength: 256 }), huge), { maxKeys: 50 }),
  },
  { requiredKeys: ['$metadata'] },
) as fc.Arbitrary<GetEventStreamCommandOutput>;

const ERROR_NAMES = [
  'ResourceNotFoundException', 'AccessDeniedException', 'BadRequestException', 'ThrottlingException',
  'InternalServerException', 'ServiceUnavailable', 'TimeoutError', 'RequestTimeout', 'AbortError',
  'TypeError', 'Error', 'UnrecognizedClientException', 'ExpiredTokenException',
];
/** An SDK-like error: any name, long messages, odd metadata, network codes. */
const sdkError = fc.record({
  name: fc.oneof(fc.constantFrom(...ERROR_NAMES), fc.string({ maxLength: 40 })),
  message: text,
  status: fc.oneof(fc.constant(undefined), fc.integer({ min: 100, max: 599 }), odd),
  attempts: fc.oneof(fc.constant(undefined), fc.nat(10), odd),
  code: fc.oneof(fc.constant(undefined), fc.constantFrom('ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'), fc.string({ maxLength: 10 })),
}).map(({ name, message, status, attempts, code }) =>
  Object.assign(new Error(message), { name, code, $metadata: { httpStatusCode: status, attempts } }));
/** Things that are thrown but are not errors. */
const notAnError = fc.oneof(odd, fc.constant(undefined), fc.constant(Object.create(null)), fc.constant({ toString: () => { throw new Error('unprintable'); } }));

type Answer = { kind: 'ok'; value: GetEventStreamCommandOutput } | { kind: 'throw'; value: unknown };
const answer: fc.Arbitrary<Answer> = fc.oneof(
  output.map((value) => ({ kind: 'ok' as const, value })),
  sdkError.map((value) => ({ kind: 'throw' as const, value })),
  notAnError.map((value) => ({ kind: 'throw' as const, value })),
);

/** A fetch that gives the answers in order, then repeats the last one. */
function scripted(answers: Answer[]): typeof external.fetch {
  let call = 0;
  return async () => {
    const a = answers[Math.min(call++, answers.length - 1)];
    if (a.kind === 'throw') {
      throw a.value;
    }
    return a.value;
  };
}

// Properties ----------------------------------------------------------------------------------

describe('fuzzing the handler', () => {
  test('any JSON value as the event: resolves, and answers only when there is a ResponseURL', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (event) => {
        h.logs = [];
        await expect(handler(event, { getRemainingTimeInMillis: () => 5_000 })).resolves.toBeUndefined();
      }),
      { seed: 1001, numRuns: 1000 },
    );
  });

  test('random and malformed events, a healthy API: exactly one valid response each', async () => {
    external.fetch = async () => runningStream();
    await fc.assert(
      fc.asyncProperty(envelope, async (event) => {
        const json = await exactlyOneValidResponse(event);
        if (event.RequestType === 'Delete') {
          expect(json.Status).toBe('SUCCESS');
        }
      }),
      { seed: 1002, numRuns: 2000 },
    );
  });

  test('valid events, random API behaviour (errors of every type, odd fields, huge tags): exactly one valid response each', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 4 }),
        fc.record({
          WaitTimeoutSeconds: fc.constantFrom(undefined, '0', '3', '120', '840'),
          RequiredState: fc.constantFrom(undefined, 'RUNNING', 'STOPPED'),
          RequireHealthyDestination: fc.constantFrom(undefined, 'true'),
          FailIfMissing: fc.constantFrom(undefined, 'false'),
        }, { requiredKeys: [] }),
        async (answers, options) => {
          external.fetch = scripted(answers);
          const props = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
          const json = await exactlyOneValidResponse({ ...createEvent('placeholder', props) });
          if (json.Status === 'SUCCESS') {
            expect(Object.keys(json.Data).sort()).toHaveLength(12);
          }
        },
      ),
      { seed: 1003, numRuns: 1500 },
    );
  });

  test('through the SDK client (aws-sdk-client-mock), with and without an assumed role', async () => {
    external.fetch = h.original.fetch;
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 3 }),
        fc.oneof(
          fc.constant(undefined),
          fc.constant({ kind: 'ok' as const }),
          fc.constant({ kind: 'empty' as const }),
          sdkError.map((value) => ({ kind: 'throw' as const, value })),
        ),
        async (answers, role) => {
          h.profiles.reset();
          h.sts.reset();
          let call = 0;
          h.profiles.on(GetEventStreamCommand).callsFake(async () => {
            const a = answers[Math.min(call++, answers.length - 1)];
            if (a.kind === 'throw') {
              throw a.value;
            }
            return a.value;
          });
          if (role?.kind === 'ok') {
            h.sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKID', SecretAccessKey: 'secret', SessionToken: 't', Expiration: new Date() } });
          } else if (role?.kind === 'empty') {
            h.sts.on(AssumeRoleCommand).resolves({});
          } else if (role?.kind === 'throw') {
            h.sts.on(AssumeRoleCommand).rejects(role.value);
          }
          const props = role ? { RoleArn: 'arn:aws:iam::210987654321:role/Reader', ExternalId: 'ext-id' } : {};
          const json = await exactlyOneValidResponse({ ...createEvent('placeholder', { ...props, WaitTimeoutSeconds: '30' }) });
          if (role?.kind === 'empty' || role?.kind === 'throw') {
            expect(json.Status).toBe('FAILED');
            expect(json.Reason).toContain('could not assume role');
          }
        },
      ),
      { seed: 1004, numRuns: 300 },
    );
  });

  test('an API that never answers, with little time left: FAILED in time, exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_050, max: 1_400 }),
        fc.constantFrom(undefined, '0', '840'),
        fc.boolean(),
        async (remainingMs, wait, abortable) => {
          // Like the SDK, some calls stop when aborted; others ignore the signal.
          external.fetch = (_spec, signal) => h.hang(abortable ? signal : undefined);
          const json = await exactlyOneValidResponse({ ...createEvent('placeholder', wait ? { WaitTimeoutSeconds: wait } : {}) }, remainingMs);
          expect(json.Status).toBe('FAILED');
          expect(json.Reason).toContain('gave up on');
        },
      ),
      { seed: 1005, numRuns: 25 },
    );
  });
});
