import { AccessDeniedException, BadRequestException, InternalServerException, ResourceNotFoundException, ThrottlingException } from '@aws-sdk/client-customer-profiles';
import { AssumeRoleError, classifyError, retriesReason, subject } from '../../lambda/reasons';
import { LookupSpec } from '../../src/wire/properties';
import { lookupSpec } from '../fixtures/events';

/**
 * Errors become Reasons a person can act on: each names the stream, the domain and the region (and
 * the role, when one is assumed), says what went wrong, and what to do. The tests assert those
 * parts, not whole sentences.
 */

const spec = lookupSpec({ region: 'eu-west-1' });
const ROLE = 'arn:aws:iam::210987654321:role/ProfilesReader';
const viaRole: LookupSpec = { ...spec, roleArn: ROLE };
const SUBJECT = "event stream 'orders' in domain 'retail-profiles' (eu-west-1)";

const sdkError = <T extends Error>(Type: new (args: any) => T, message: string, metadata: Record<string, unknown> = {}) =>
  new Type({ message, $metadata: { httpStatusCode: 400, ...metadata } });

/** Checks the parts a user acts on. */
function expectActionable(reason: string, ...parts: Array<string | RegExp>): void {
  expect(reason).toContain(SUBJECT);
  for (const part of parts) {
    if (typeof part === 'string') {
      expect(reason).toContain(part);
    } else {
      expect(reason).toMatch(part);
    }
  }
}

test('the subject names stream, domain and region, and the role when one is assumed', () => {
  expect(subject(spec)).toBe(SUBJECT);
  expect(subject(viaRole)).toBe(`${SUBJECT} via role ${ROLE}`);
});

test('not found: missing, with the service message and both fixes', () => {
  const failure = classifyError(sdkError(ResourceNotFoundException, 'Event stream not found'), spec);
  expect(failure.kind).toBe('missing');
  expectActionable(failure.reason, /not found: ResourceNotFoundException: Event stream not found\./, 'Check the domain and stream names', 'failIfMissing: false');
});

test('access denied: fatal, names the action, both resources and whose role needs it', () => {
  const own = classifyError(sdkError(AccessDeniedException, 'not authorized'), spec);
  expect(own.kind).toBe('fatal');
  expectActionable(own.reason, /^access denied reading /, 'AccessDeniedException: not authorized', 'profile:GetEventStream on the domain and on the event stream', "the lookup's function role");
  const remote = classifyError(sdkError(AccessDeniedException, 'not authorized'), viaRole);
  expectActionable(remote.reason, `for ${ROLE}.`);
  expect(remote.reason).not.toContain("the lookup's function role");
});

test('bad request: fatal, says to check the names', () => {
  const failure = classifyError(sdkError(BadRequestException, 'Invalid name'), spec);
  expect(failure.kind).toBe('fatal');
  expectActionable(failure.reason, /^Customer Profiles rejected the request for /, 'BadRequestException: Invalid name', 'Check the domain and stream names.');
});

test.each([
  ['ThrottlingException', sdkError(ThrottlingException, 'Rate exceeded', { attempts: 1, httpStatusCode: 429 }), true],
  ['InternalServerException', sdkError(InternalServerException, 'boom', { attempts: 1, httpStatusCode: 500 }), false],
])('%s is transient: the error, and to retry later (the lookup retries it first: test/handler/storm.test.ts)', (name, error, throttled) => {
  const failure = classifyError(error, spec);
  expect(failure).toMatchObject({ kind: 'transient', throttled, detail: expect.stringMatching(new RegExp(`^${name}: `)) });
  expectActionable(failure.reason, /^Customer Profiles did not answer GetEventStream for /, `: ${name}`, 'Retry the deployment later.');
});

test.each([
  ['a 503 status', Object.assign(new Error('Service Unavailable'), { name: 'Unknown', $metadata: { httpStatusCode: 503 } })],
  ['a 429 status', Object.assign(new Error('slow down'), { name: 'Unknown', $metadata: { httpStatusCode: 429 } })],
  ['a timeout by name', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ['an unreachable host', Object.assign(new Error('getaddrinfo'), { code: 'EAI_AGAIN' })],
])('%s is transient', (_, error) => {
  const failure = classifyError(error, spec);
  expect(failure.kind).toBe('transient');
  expect(failure.reason).toContain('did not answer GetEventStream');
});

test.each([
  ['a 4xx status', Object.assign(new Error('Gone'), { name: 'Unknown', $metadata: { httpStatusCode: 410 } })],
  ['a 499 status', Object.assign(new Error('Closed'), { name: 'Unknown', $metadata: { httpStatusCode: 499 } })],
  ['another error code', Object.assign(new Error('nope'), { code: 'ERR_INVALID_ARG_TYPE' })],
  ['a thrown string', 'weird'],
])('%s is fatal: says to check credentials and network', (_, error) => {
  const failure = classifyError(error, spec);
  expect(failure.kind).toBe('fatal');
  expectActionable(failure.reason, /^GetEventStream failed for /, "Check the function's credentials and network access to Customer Profiles.");
});

test('the error detail: "Name: message", the name alone when the message repeats it, and at most 300 characters', () => {
  expect(classifyError(Object.assign(new Error('x'.repeat(1000)), { name: 'Odd' }), spec).reason).toContain(`Odd: ${'x'.repeat(292)}...`);
  expect(classifyError(Object.assign(new Error('x'.repeat(1000)), { name: 'Odd' }), spec).reason).not.toContain('x'.repeat(293));
  expect(classifyError(Object.assign(new Error('Odd'), { name: 'Odd' }), spec).reason).toContain(': Odd.');
  expect(classifyError(Object.assign(new Error(''), { name: 'Odd' }), spec).reason).toContain(': Odd.');
  expect(classifyError('plain text', spec).reason).toContain(': Error: plain text.');
});

describe('assuming the role', () => {
  test('denied: fatal, names the role and the trust to check', () => {
    const failure = classifyError(new AssumeRoleError(ROLE, Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' })), viaRole);
    expect(failure.kind).toBe('fatal');
    expectActionable(failure.reason, `could not assume role ${ROLE} to read `, 'AccessDenied: not authorized to perform sts:AssumeRole', "Check that the role trusts the lookup's function role.");
  });

  test('with an external ID, the Reason says to check it too', () => {
    const failure = classifyError(new AssumeRoleError(ROLE, Object.assign(new Error('denied'), { name: 'AccessDenied' })), { ...viaRole, externalId: 'ext' });
    expect(failure.reason).toContain("trusts the lookup's function role and expects this external ID.");
  });

  test('throttled: transient', () => {
    const failure = classifyError(new AssumeRoleError(ROLE, Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 429 } })), viaRole);
    expect(failure.kind).toBe('transient');
  });

  test('throttled: its detail names the role and the error', () => {
    const failure = classifyError(new AssumeRoleError(ROLE, Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 429 } })), viaRole);
    expect(failure).toMatchObject({ throttled: true, detail: `could not assume role ${ROLE}: Throttling: Rate exceeded` });
  });

  test('the error keeps the role and its cause', () => {
    const cause = new Error('x');
    const error = new AssumeRoleError(ROLE, cause);
    expect(error).toMatchObject({ name: 'AssumeRoleError', roleArn: ROLE, cause, message: `could not assume ${ROLE}` });
  });
});

describe('throttling and transient errors', () => {
  const unknown = (metadata?: unknown, code?: unknown) => Object.assign(new Error('x'), { name: 'Unknown', $metadata: metadata, code });

  test.each([
    ['ThrottlingException by name, whatever its status', true, sdkError(ThrottlingException, 'Rate exceeded')],
    ['a 429 status, whatever its name', true, unknown({ httpStatusCode: 429 })],
    ['a 500 status', false, unknown({ httpStatusCode: 500 })],
    ['InternalServerException by name', false, sdkError(InternalServerException, 'boom')],
    ['a timeout', false, Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('%s: transient, throttled: %p', (_, throttled, error) => {
    expect(classifyError(error, spec)).toMatchObject({ kind: 'transient', throttled });
  });

  test.each([
    ['no $metadata', unknown(undefined)],
    ['a status that is not a number', unknown({ httpStatusCode: '503' })],
    ['a code that is not a string', unknown(undefined, 104)],
    ['undefined', undefined],
    ['null', null],
  ])('%s is fatal, never a crash', (_, error) => {
    expect(classifyError(error, spec).kind).toBe('fatal');
  });

  test('the detail is the name alone when the message repeats it', () => {
    expect(classifyError(Object.assign(new Error('TimeoutError'), { name: 'TimeoutError' }), spec).detail).toBe('TimeoutError');
  });

  test('the detail is kept whole up to 300 characters, and cut beyond', () => {
    const timeout = (message: string) => classifyError(Object.assign(new Error(message), { name: 'TimeoutError' }), spec).detail;
    expect(timeout('x'.repeat(286))).toBe(`TimeoutError: ${'x'.repeat(286)}`); // 300 characters
    expect(timeout('x'.repeat(287))).toBe(`TimeoutError: ${'x'.repeat(283)}...`);
  });
});

describe('the Reason after retrying transient errors', () => {
  const plan = { lookups: 40, rate: { requestsPerSecond: 5, burst: 10 } };

  test('throttled: how often, over how long, the last error, the plan, and what to do', () => {
    const reason = retriesReason(spec, { transientErrors: 9, throttles: 7, overMs: 12_400, lastError: 'ThrottlingException: Rate exceeded' }, plan);
    expectActionable(reason, `${SUBJECT} 7 times (and 2 other transient errors) over 12s; the last: ThrottlingException: Rate exceeded.`);
    expectActionable(reason, 'rate in eu-west-1', '40 lookups', '5 calls/s (burst 10)', 'Retry the deployment when fewer calls compete');
  });

  test('throttled only', () => {
    expect(retriesReason(spec, { transientErrors: 3, throttles: 3, overMs: 2_000 }, plan)).toContain(`${SUBJECT} 3 times over 2s. `);
  });

  test('not throttled: how often, over how long, and to check the service and the network', () => {
    expectActionable(
      retriesReason(spec, { transientErrors: 4, throttles: 0, overMs: 6_000, lastError: 'InternalServerException: boom' }, plan),
      `${SUBJECT}: 4 transient errors over 6s; the last: InternalServerException: boom. Check the service's health`,
    );
    expect(retriesReason(spec, { transientErrors: 2, throttles: 0, overMs: 3_000 }, plan)).toContain(`${SUBJECT}: 2 transient errors over 3s. Check`);
  });
});
