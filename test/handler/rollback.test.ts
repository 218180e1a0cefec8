import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AccessDeniedException, GetEventStreamCommand, ResourceNotFoundException, ThrottlingException } from '@aws-sdk/client-customer-profiles';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { checkRollback, ROLLBACK_STATUS, rollbackFallback, rollbackFoundReason } from '../../lambda/rollback';
import { HANDLER_TIMING } from '../../lambda/timing';
import { createEvent, KINESIS_ARN, lookupSpec, runningStream, STACK_ID, stoppedStream, STREAM_ARN, updateEvent } from '../fixtures/events';
import { HandlerHarness } from '../fixtures/harness';

/**
 * Rollbacks: CloudFormation rolls an update back with another Update carrying the previous
 * properties. The handler tells it apart by its stack's status (DescribeStacks), and then never
 * gates, never waits and never fails.
 */

const h = HandlerHarness.forEachTest();

const GATED = { RequiredState: 'RUNNING', RefreshToken: 'deployment-1' } as const;
/** The rollback of a failed refresh: the previous properties, the failed ones as the old ones. */
const rollbackEvent = (properties: Record<string, string> = GATED, physicalId = STREAM_ARN) => {
  const failed = createEvent('unused', { ...properties, RefreshToken: 'deployment-2' });
  return updateEvent(h.newUrl(), failed, physicalId, { RefreshToken: 'deployment-1' });
};
const subjectOf = "event stream 'orders' in domain 'retail-profiles' (us-east-1)";

describe('an Update during UPDATE_ROLLBACK_IN_PROGRESS', () => {
  beforeEach(() => h.stackStatus(ROLLBACK_STATUS));

  test('a stopped stream does not fail the gate: SUCCESS with its current facts, the reason says why', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(rollbackEvent());
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN, Data: { State: 'STOPPED', Uri: KINESIS_ARN, EventStreamArn: STREAM_ARN } });
    expect(response.Reason).toMatch(/^the stack is rolling back \(UPDATE_ROLLBACK_IN_PROGRESS\), so the requirements were not enforced and nothing was waited for;/);
    expect(response.Reason).toContain(subjectOf);
    expect(response.Reason).toContain('Fix the stream before the next deployment');
  });

  test('DescribeStacks is asked about exactly the event\'s stack, once', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    await h.respond(rollbackEvent());
    const calls = h.cloudformation.commandCalls(DescribeStacksCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([{ StackName: STACK_ID }]);
  });

  test('a waiting gate does not wait: one check, no sleep', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(rollbackEvent({ ...GATED, WaitTimeoutSeconds: '600' }));
    expect(response.Status).toBe('SUCCESS');
    expect(h.profiles.commandCalls(GetEventStreamCommand)).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  test.each([
    ['deleted', new ResourceNotFoundException({ message: 'Event stream not found', $metadata: {} }), 'ResourceNotFoundException'],
    ['access revoked', new AccessDeniedException({ message: 'not authorized', $metadata: {} }), 'AccessDeniedException'],
  ])('a stream that cannot be read (%s): SUCCESS with the physical id and the ARN it holds, names kept', async (_, error, name) => {
    h.profiles.on(GetEventStreamCommand).rejects(error);
    const response = await h.respond(rollbackEvent());
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: STREAM_ARN,
      Data: { EventStreamArn: STREAM_ARN, Exists: 'true', DomainName: 'retail-profiles', EventStreamName: 'orders', Region: 'us-east-1', Uri: '', State: '' },
    });
    expect(response.Reason).toContain(subjectOf);
    expect(response.Reason).toContain(name);
    expect(response.Reason).toContain('Restore the stream or the access to it before the next deployment');
    expect(h.sleeps).toEqual([]);
  });

  test('a rollback of a lookup that had found no stream keeps that: Exists false, no ARN', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    const response = await h.respond(rollbackEvent(GATED, 'missing:us-east-1:retail-profiles/orders'));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'missing:us-east-1:retail-profiles/orders', Data: { Exists: 'false', EventStreamArn: '' } });
  });

  test('throttling is retried for the rollback budget, then answered with what it has', async () => {
    h.profiles.on(GetEventStreamCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { attempts: 4 } }));
    const response = await h.respond(rollbackEvent());
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN, Data: { EventStreamArn: STREAM_ARN } });
    expect(response.Reason).toContain('ThrottlingException');
    const slept = h.sleeps.reduce((a, b) => a + b, 0);
    expect(slept).toBe(HANDLER_TIMING.rollbackRetryMs);
  });

  test('throttling that clears within the budget gives the current facts', async () => {
    h.profiles
      .on(GetEventStreamCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves(stoppedStream());
    const response = await h.respond(rollbackEvent());
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { State: 'STOPPED', Uri: KINESIS_ARN } });
    expect(h.sleeps).toHaveLength(1);
  });

  test('a cross-account rollback: GetEventStream through the role, DescribeStacks with the function\'s own client', async () => {
    const roleArn = 'arn:aws:iam::210987654321:role/ProfilesReader';
    h.sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() } });
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(rollbackEvent({ ...GATED, RoleArn: roleArn }));
    expect(response.Status).toBe('SUCCESS');
    expect(response.Reason).toContain(`via role ${roleArn}`);
    expect(h.cloudformation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(h.sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  test('even when the time guard fires (an API that never answers), the rollback answers SUCCESS', async () => {
    h.profiles.on(GetEventStreamCommand).rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    // After the first throttle, every call hangs until the guard aborts it.
    h.profiles.on(GetEventStreamCommand).callsFake(() => h.hang());
    const responses = await h.invoke(rollbackEvent(), 3_000);
    expect(responses).toHaveLength(1);
    expect(responses[0].json).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN });
    expect(responses[0].json.Reason).toMatch(/the stack is rolling back .* could not be read \(gave up on event stream 'orders'/);
  });
});

describe('an Update that is not a rollback', () => {
  test('UPDATE_IN_PROGRESS: the gate fails the update, as before', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(rollbackEvent());
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('required state RUNNING, found STOPPED');
    expect(h.cloudformation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  test('an Update that succeeds never asks CloudFormation', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    const response = await h.respond(rollbackEvent());
    expect(response.Status).toBe('SUCCESS');
    expect(h.cloudformation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  test('a gated Create asks CloudFormation once (can its Updates tell a rollback?), never gates on the answer, and fails its gate', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(createEvent(h.newUrl(), GATED));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/does not meet the deployment's requirements/);
    expect(h.cloudformation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  test('a gated Create whose DescribeStacks is denied fails before looking: its gates would be skipped on every Update', async () => {
    h.cloudformation.on(DescribeStacksCommand).rejects(Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' }));
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    const response = await h.respond(createEvent(h.newUrl(), GATED));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`${subjectOf} has requirements (requiredState, requireHealthyDestination or waitTimeout), but cloudformation:DescribeStacks on arn:aws:cloudformation:`);
    expect(response.Reason).toContain("is denied to the lookup's function role (AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks)");
    expect(response.Reason).toContain('or remove the requirements, then deploy again.');
    expect(h.profiles.commandCalls(GetEventStreamCommand)).toHaveLength(0);
  });

  test('a gated Create whose DescribeStacks fails otherwise (throttled) goes on: only a denial is a misconfiguration', async () => {
    h.cloudformation.on(DescribeStacksCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    const response = await h.respond(createEvent(h.newUrl(), GATED));
    expect(response.Status).toBe('SUCCESS');
  });

  test('a denied status read is treated as a possible rollback: SUCCESS, its Reason starting GATE NOT ENFORCED and saying what to allow', async () => {
    h.cloudformation.on(DescribeStacksCommand).rejects(Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' }));
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(rollbackEvent());
    expect(response.Status).toBe('SUCCESS');
    expect(response.Reason).toMatch(/^GATE NOT ENFORCED: cloudformation:DescribeStacks on this stack was denied to the lookup's function role \(AccessDenied: User is not authorized/);
    expect(response.Reason).toContain('Allow cloudformation:DescribeStacks on this stack in the SCPs and the permissions boundary that apply to the function role');
    expect(response.Reason).toContain(subjectOf);
  });

  test('a status that cannot be read otherwise is treated as a possible rollback: SUCCESS, and the Reason says what to allow', async () => {
    h.cloudformation.on(DescribeStacksCommand).rejects(Object.assign(new Error('We encountered an internal error.'), { name: 'InternalFailure' }));
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(rollbackEvent());
    expect(response.Status).toBe('SUCCESS');
    expect(response.Reason).toMatch(/^could not read the stack's status to tell a rollback from an update \(InternalFailure: We encountered/);
    expect(response.Reason).toContain("Allow cloudformation:DescribeStacks on this stack for the lookup's function role");
  });

  test('a DescribeStacks answer without a status counts as unreadable', async () => {
    h.cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    h.profiles.on(GetEventStreamCommand).resolves(stoppedStream());
    const response = await h.respond(rollbackEvent());
    expect(response.Status).toBe('SUCCESS');
    expect(response.Reason).toContain('DescribeStacks returned no stack status');
  });
});

describe('checkRollback and rollbackFallback (pure)', () => {
  const spec = lookupSpec();
  const rollingBack = { kind: 'rollback', status: ROLLBACK_STATUS } as const;

  test('UPDATE_ROLLBACK_IN_PROGRESS is a rollback; any other status is forward', async () => {
    await expect(checkRollback(async () => ROLLBACK_STATUS)).resolves.toEqual({ kind: 'rollback', status: ROLLBACK_STATUS });
    await expect(checkRollback(async () => 'UPDATE_IN_PROGRESS')).resolves.toEqual({ kind: 'forward', status: 'UPDATE_IN_PROGRESS' });
    await expect(checkRollback(async () => 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS')).resolves.toEqual({
      kind: 'forward',
      status: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
    });
  });

  test('an error reading the status is unknown, as `Name: message` (or the thrown value)', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    await expect(checkRollback(() => Promise.reject(denied))).resolves.toEqual({ kind: 'unknown', error: 'AccessDenied: not authorized' });
    await expect(checkRollback(() => Promise.reject('socket hang up'))).resolves.toEqual({ kind: 'unknown', error: 'socket hang up' });
  });

  test('the error text is kept up to 300 characters, and cut to 297 plus "..." beyond', async () => {
    const exactly300 = 'e'.repeat(300);
    await expect(checkRollback(() => Promise.reject(exactly300))).resolves.toEqual({ kind: 'unknown', error: exactly300 });
    const longer = 'a'.repeat(297) + 'bcdef';
    await expect(checkRollback(() => Promise.reject(longer))).resolves.toEqual({ kind: 'unknown', error: `${'a'.repeat(297)}...` });
  });

  test('a fallback with an ARN id keeps it, says Exists true and names the ARN in the Reason', () => {
    const result = rollbackFallback(spec, STREAM_ARN, rollingBack, 'ResourceNotFoundException: gone');
    expect(result.physicalResourceId).toBe(STREAM_ARN);
    expect(result.data).toMatchObject({ EventStreamArn: STREAM_ARN, Exists: 'true', DomainName: 'retail-profiles', EventStreamName: 'orders', Region: 'us-east-1' });
    expect(result.reason).toContain('could not be read (ResourceNotFoundException: gone)');
    expect(result.reason).toContain(`the ARN the resource already has (${STREAM_ARN}), the names and the region`);
  });

  test('a fallback with a name-based id has no ARN: Exists false, and the Reason names none', () => {
    const result = rollbackFallback(spec, 'stream:us-east-1:retail-profiles/orders', rollingBack, 'AccessDeniedException: no');
    expect(result.physicalResourceId).toBe('stream:us-east-1:retail-profiles/orders');
    expect(result.data).toMatchObject({ EventStreamArn: '', Exists: 'false' });
    expect(result.reason).toContain('the ARN the resource already has, the names and the region');
  });

  test('a fallback without a physical id (none in the event) answers without one, Exists false', () => {
    const result = rollbackFallback(spec, undefined, { kind: 'unknown', error: 'Throttling: no' }, 'ThrottlingException: slow down');
    expect(result.physicalResourceId).toBeUndefined();
    expect(result.data).toMatchObject({ EventStreamArn: '', Exists: 'false', Region: 'us-east-1' });
    expect(result.reason).toMatch(/^could not read the stack's status to tell a rollback from an update \(Throttling: no\)/);
    expect(result.reason).toContain('the ARN the resource already has, the names and the region');
  });

  test('a rollback that found the stream gives its facts after the preamble', () => {
    expect(rollbackFoundReason(spec, rollingBack, 'STOPPED, destination none')).toContain(
      "event stream 'orders' in domain 'retail-profiles' (us-east-1) is STOPPED, destination none.",
    );
  });
});
