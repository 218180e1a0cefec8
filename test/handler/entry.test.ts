import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetEventStreamCommand } from '@aws-sdk/client-customer-profiles';
import { container, external } from '../../lambda/index';
import { encodeStormPlan, STORM_PLAN_ENV } from '../../src/wire/storm';
import { createEvent, deleteEvent, runningStream, STACK_ID, STREAM_ARN, stoppedStream, updateEvent } from '../fixtures/events';
import { HandlerHarness } from '../fixtures/harness';

/**
 * The entry point's own duties, on the virtual clock: what it logs for operators, what Delete and
 * unknown requests answer, the ids of failed requests, unexpected errors, and the default clock.
 */

const h = HandlerHarness.forEachTest();
const SUBJECT = "event stream 'orders' in domain 'retail-profiles' (us-east-1)";

beforeEach(() => {
  delete process.env[STORM_PLAN_ENV];
  container.warm = true;
});
afterAll(() => {
  delete process.env[STORM_PLAN_ENV];
  Object.assign(external, h.original);
});

const logged = () => h.logs.map((line) => JSON.parse(line));

describe('the log an operator reads in CloudWatch', () => {
  test('the request (redacted), the pacing, and the response it sent', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    const response = await h.respond(createEvent(h.newUrl()));
    const lines = logged();
    expect(lines.map((line) => line.message)).toEqual(['request', 'pacing', 'response', 'response sent']);
    expect(lines[0].event).toMatchObject({ RequestType: 'Create', ResponseURL: expect.not.stringContaining('http') });
    expect(lines[1]).toEqual({ message: 'pacing', lookupsInStack: 1, plannedRate: { requestsPerSecond: 5, burst: 10 }, startDelayMs: 0, lateInStormMs: 0, rememberedQueueMs: 0, retryForMs: 22_000, throttleRetryForMs: 52_000 });
    expect(lines[2]).toEqual({ message: 'response', Status: 'SUCCESS', Reason: response.Reason, PhysicalResourceId: STREAM_ARN });
  });

  test('the stack status an Update read', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const previous = createEvent('unused', { RequiredState: 'RUNNING', RefreshToken: 'a' });
    await h.respond(updateEvent(h.newUrl(), previous, STREAM_ARN, { RefreshToken: 'b' }));
    expect(logged().find((line) => line.message === 'stack status')).toEqual({
      message: 'stack status',
      check: { kind: 'forward', status: 'UPDATE_IN_PROGRESS' },
    });
  });
});

describe('requests that look nothing up', () => {
  test('Delete answers SUCCESS with a Reason that says why nothing was called', async () => {
    const response = await h.respond(deleteEvent(h.newUrl(), createEvent('unused'), STREAM_ARN));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN, Reason: 'nothing to delete: a lookup owns no resources' });
    expect(h.profiles.calls()).toHaveLength(0);
  });

  test('an unknown RequestType is quoted in at most 40 characters', async () => {
    const response = await h.respond({ ...createEvent(h.newUrl()), RequestType: 'U'.repeat(500) });
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe(`unknown RequestType ${`"${'U'.repeat(500)}"`.slice(0, 40)}: expected Create, Update or Delete.`);
  });

  test('a failed Create without an id gets one from its logical id, at most 200 characters of it', async () => {
    const logicalId = 'L'.repeat(255);
    const response = await h.respond({ ...createEvent(h.newUrl()), LogicalResourceId: logicalId, ResourceProperties: {} });
    expect(response).toMatchObject({ Status: 'FAILED', LogicalResourceId: logicalId, PhysicalResourceId: `EventStreamLookup:${'L'.repeat(200)}` });
  });

  test('a failure carries no Data, and keeps the id CloudFormation gave', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const previous = createEvent('unused', { RequiredState: 'RUNNING' });
    const response = await h.respond(updateEvent(h.newUrl(), previous, 'EventStreamLookup:Earlier', {}));
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'EventStreamLookup:Earlier' });
    expect(response).not.toHaveProperty('Data');
  });
});

test('an unexpected error still answers, FAILED, and says what it was', async () => {
  container.warm = false;
  process.env[STORM_PLAN_ENV] = encodeStormPlan({ lookups: 100, rate: { requestsPerSecond: 5, burst: 10 } });
  external.random = () => {
    throw new Error('no entropy');
  };
  const response = await h.respond(createEvent(h.newUrl()));
  expect(response).toMatchObject({ Status: 'FAILED', Reason: 'unexpected error in the lookup handler: Error: no entropy' });
});

describe('the guard and the rollback question', () => {
  const gatedUpdate = () => updateEvent(h.newUrl(), createEvent('unused', { RequiredState: 'RUNNING', RefreshToken: 'a' }), STREAM_ARN, { RefreshToken: 'b' });

  test('a cold start whose spread outlasts a short function gives up before its first call: 0 checks', async () => {
    container.warm = false;
    process.env[STORM_PLAN_ENV] = encodeStormPlan({ lookups: 400, rate: { requestsPerSecond: 5, burst: 10 } });
    external.random = () => 0.5; // a 39 s spread, in a function with 20 s left
    const response = await h.respond(createEvent(h.newUrl()), 20_000);
    expect(response.Reason).toMatch(/^gave up on .* after 18s \(0 checks\); Customer Profiles never answered GetEventStream\./);
    expect(h.profiles.calls()).toHaveLength(0);
  });

  test('DescribeStacks asked by a failing check, hanging when the guard fires: treated as a rollback', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    external.stackStatus = (_stackId, signal) => h.hang(signal);
    const response = await h.respond(gatedUpdate(), 20_000);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN });
    expect(response.Reason).toContain('DescribeStacks did not answer in time');
    expect(response.Reason).toContain(SUBJECT);
  });

  test('an Update that already knows it is not a rollback does not ask again when the guard fires', async () => {
    let calls = 0;
    h.profiles.on(GetEventStreamCommand).callsFake(async () => {
      if (++calls === 1) {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
      }
      return h.hang();
    });
    const response = await h.respond(gatedUpdate(), 20_000);
    expect(response.Status).toBe('FAILED');
    expect(h.cloudformation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(h.cloudformation.commandCalls(DescribeStacksCommand)[0].args[0].input).toEqual({ StackName: STACK_ID });
  });
});

describe('the default clock (Lambda\'s own timers), on jest\'s fake timers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('now is the system time', () => {
    jest.setSystemTime(Date.parse('2026-12-01T12:00:00Z'));
    expect(h.original.clock.now()).toBe(Date.parse('2026-12-01T12:00:00Z'));
  });

  test('sleep resolves after the time, not before', async () => {
    let done = false;
    void h.original.clock.sleep(1_000).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  test('after calls once at the time; its cancel stops it', () => {
    const fired: string[] = [];
    h.original.clock.after(500, () => fired.push('kept'));
    const cancel = h.original.clock.after(500, () => fired.push('cancelled'));
    jest.advanceTimersByTime(499);
    cancel();
    jest.advanceTimersByTime(10_000);
    expect(fired).toEqual(['kept']);
  });
});
