import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { RehearsalEnvironment } from '../../tools/rehearsal/environment';
import { rehearse, RehearsalReport, StepReport } from '../../tools/rehearsal/rehearse';
import { StandInStream } from '../../tools/stand-ins/customer-profiles';
import { ACCOUNT, DOMAIN, PARTNER_EXTERNAL_ID, PARTNER_ROLE, REGION, scenarioApp } from '../fixtures/scenarios';

/**
 * End to end: the bundled handler from cdk.out, in its own process as Lambda runs it, over real
 * HTTP to a SigV4-checking Customer Profiles stand-in, answering over HTTPS to a strict S3 stand-in.
 */

jest.setTimeout(120_000);

const kinesis = (name: string) => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
const running = (name: string, extra: Partial<StandInStream> = {}): StandInStream => ({
  createdAt: new Date('2026-02-01T12:00:00Z'),
  state: 'RUNNING',
  destination: { uri: kinesis(name), status: 'HEALTHY' },
  ...extra,
});
const stopped = (name: string): StandInStream => ({
  createdAt: new Date('2026-02-01T12:00:00Z'),
  state: 'STOPPED',
  stoppedSince: new Date('2026-11-30T08:00:00Z'),
  destination: { uri: kinesis(name), status: 'UNHEALTHY', unhealthySince: new Date('2026-11-30T07:55:00Z'), message: 'PutRecords denied' },
});

let env: RehearsalEnvironment;
let assembly: CloudAssembly;
let outdir: string;

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-e2e-'));
  assembly = scenarioApp(outdir).synth();
  env = await RehearsalEnvironment.start({ account: ACCOUNT, region: REGION });
  for (const name of ['plain', 'denied', 'bad-request', 'throttled', 'flaky', 'hanging']) {
    env.profiles.putStream(DOMAIN, name, running(name));
  }
  env.profiles.putStream(DOMAIN, 'stopped', stopped('stopped'));
  env.profiles.putStream(DOMAIN, 'stays-stopped', stopped('stays-stopped'));
  env.profiles.putStream(DOMAIN, 'starting', stopped('starting'));
});
afterAll(async () => {
  await env.stop();
  fs.rmSync(outdir, { recursive: true, force: true });
});

const run = (stack: string, options: Parameters<typeof rehearse>[2] = {}) => rehearse(assembly, env, { ...options, stacks: [stack] });
const step = (report: RehearsalReport, requestType: string, rollback = false): StepReport => {
  const found = report.steps.find((s) => s.requestType === requestType && s.rollback === rollback);
  expect(found).toBeDefined();
  return found!;
};
const expectExactlyOneResponseEach = (report: RehearsalReport) => {
  for (const s of report.steps) {
    expect({ request: s.requestType, responses: s.responses, invocation: s.invocation }).toEqual({ request: s.requestType, responses: 1, invocation: 'settled' });
    expect(s.bodyBytes).toBeLessThan(4096);
  }
};

test('success: Create, Update and Delete each answered once; attributes as the service holds them', async () => {
  const report = await run('Plain');
  expectExactlyOneResponseEach(report);
  expect(report.steps.map((s) => `${s.requestType}:${s.status}`)).toEqual(['Create:SUCCESS', 'Update:SUCCESS', 'Delete:SUCCESS']);
  const create = step(report, 'Create');
  expect(create.physicalResourceId).toBe(env.profiles.arnOf(DOMAIN, 'plain'));
  expect(create.data).toMatchObject({
    EventStreamArn: env.profiles.arnOf(DOMAIN, 'plain'),
    Uri: kinesis('plain'),
    State: 'RUNNING',
    DestinationStatus: 'HEALTHY',
    CreatedAt: '2026-02-01T12:00:00.000Z',
    Exists: 'true',
  });
  expect(step(report, 'Update').physicalResourceId).toBe(create.physicalResourceId);
  expect(report.stacks[0].status).toBe('DELETE_COMPLETE');
  // Two lookups (Create, Update), every request signed correctly; Delete made none.
  const requests = env.profiles.requestsFor(DOMAIN, 'plain');
  expect(requests).toHaveLength(2);
  expect(requests.every((r) => r.signingProblem === undefined)).toBe(true);
});

test('logs never carry the ResponseURL or credentials', async () => {
  const report = await run('Plain', { lastPhase: 'Create' });
  const logs = report.steps.flatMap((s) => s.logs).join('\n');
  expect(logs).toContain('[redacted]');
  expect(logs).not.toContain('X-Amz-Signature');
  expect(logs).not.toContain('stand-in-secret-key');
  expect(logs).not.toContain('stand-in-session-token');
});

test('not found: FAILED with an actionable Reason, and the rollback Delete succeeds', async () => {
  const report = await run('Missing');
  expectExactlyOneResponseEach(report);
  const create = step(report, 'Create');
  expect(create.status).toBe('FAILED');
  expect(create.reason).toContain(`event stream 'missing' in domain '${DOMAIN}' (${REGION}) not found`);
  expect(step(report, 'Delete', true).status).toBe('SUCCESS');
  expect(report.stacks[0].status).toBe('ROLLBACK_COMPLETE');
});

test('not found with failIfMissing: false deploys with Exists=false', async () => {
  const report = await run('MissingAllowed', { lastPhase: 'Create' });
  expect(step(report, 'Create')).toMatchObject({ status: 'SUCCESS', data: expect.objectContaining({ Exists: 'false', Uri: '' }) });
});

test('access denied', async () => {
  env.profiles.script(DOMAIN, 'denied', { kind: 'error', type: 'AccessDeniedException', message: 'User is not authorized to perform: profile:GetEventStream' });
  const report = await run('Denied');
  expectExactlyOneResponseEach(report);
  expect(step(report, 'Create').reason).toMatch(/^access denied reading event stream 'denied' in domain 'e2e-profiles' \(us-east-1\): AccessDeniedException: User is not authorized/);
});

test('bad request', async () => {
  env.profiles.script(DOMAIN, 'bad-request', { kind: 'error', type: 'BadRequestException', message: 'Invalid name' });
  const report = await run('BadRequest', { lastPhase: 'Create' });
  expect(step(report, 'Create').reason).toContain('Customer Profiles rejected the request');
});

test('throttled, then success: retried with backoff within the same invocation', async () => {
  env.profiles.script(DOMAIN, 'throttled', { kind: 'error', type: 'ThrottlingException' }, { kind: 'error', type: 'ThrottlingException' });
  const report = await run('Throttled', { lastPhase: 'Create' });
  expect(step(report, 'Create').status).toBe('SUCCESS');
  expect(env.profiles.requestsFor(DOMAIN, 'throttled')).toHaveLength(3);
});

test('5xx, then success', async () => {
  env.profiles.script(DOMAIN, 'flaky', { kind: 'error', type: 'InternalServerException' }, { kind: 'delay', ms: 200, then: { kind: 'error', type: 'InternalServerException' } });
  const report = await run('Flaky', { lastPhase: 'Create' });
  expect(step(report, 'Create').status).toBe('SUCCESS');
  expect(env.profiles.requestsFor(DOMAIN, 'flaky')).toHaveLength(3);
});

test('a Delete never fails, whatever the service does', async () => {
  const report = await run('Flaky', {
    beforeUpdate: () => {
      for (let i = 0; i < 20; i++) {
        env.profiles.script(DOMAIN, 'flaky', { kind: 'error', type: 'AccessDeniedException' });
      }
    },
  });
  const before = env.profiles.requestsFor(DOMAIN, 'flaky').length;
  expect(step(report, 'Update').status).toBe('FAILED');
  expect(step(report, 'Delete').status).toBe('SUCCESS');
  expect(env.profiles.requestsFor(DOMAIN, 'flaky').length).toBe(before); // Delete called nothing
});

test('an API that never answers: FAILED before the function times out', async () => {
  for (let i = 0; i < 10; i++) {
    env.profiles.script(DOMAIN, 'hanging', { kind: 'hang' });
  }
  const report = await run('Hanging', { lastPhase: 'Create', functionTimeoutSeconds: 6 });
  const create = step(report, 'Create');
  expect(create).toMatchObject({ status: 'FAILED', responses: 1, invocation: 'settled' });
  expect(create.reason).toMatch(/^gave up on event stream 'hanging' .* Customer Profiles never answered GetEventStream/);
  // Had the guard not fired, the runtime would have killed the process at 6 s: 'timed out', no response.
});

test('an oversized stream (50 long tags, a long message) still answers under 4096 bytes', async () => {
  const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`tag-${i}-${'k'.repeat(120)}`, 'v'.repeat(256)]));
  env.profiles.putStream(DOMAIN, 'oversized', {
    ...running('oversized'),
    eventStreamArn: `arn:aws:profile:${REGION}:${ACCOUNT}:domains/${DOMAIN}/event-streams/oversized`,
    destination: { uri: kinesis('oversized'), status: 'UNHEALTHY', message: '"\\\u0001'.repeat(333) },
    tags,
  });
  const report = await run('Oversized', { lastPhase: 'Create' });
  const create = step(report, 'Create');
  expect(create.status).toBe('SUCCESS');
  expect(create.bodyBytes).toBeLessThan(4096);
  expect(create.data!.DestinationMessage).toMatch(/\[truncated\]$/);
});

test('gate: a STOPPED stream fails a RUNNING requirement, naming what was required and found', async () => {
  const report = await run('Gated');
  const create = step(report, 'Create');
  expect(create.status).toBe('FAILED');
  expect(create.reason).toContain("event stream 'stopped' in domain 'e2e-profiles' (us-east-1) does not meet the deployment's requirements");
  expect(create.reason).toContain('required state RUNNING, found STOPPED (stopped since 2026-11-30T08:00:00.000Z)');
  expect(create.reason).toContain('required a HEALTHY destination, found UNHEALTHY since 2026-11-30T07:55:00.000Z: PutRecords denied');
  expect(report.stacks[0].status).toBe('ROLLBACK_COMPLETE');
});

test('wait: succeeds when the stream starts running during the wait', async () => {
  const timer = setTimeout(() => env.profiles.putStream(DOMAIN, 'starting', running('starting')), 2_500);
  try {
    const report = await run('Waiting', { lastPhase: 'Create' });
    const create = step(report, 'Create');
    expect(create).toMatchObject({ status: 'SUCCESS', data: expect.objectContaining({ State: 'RUNNING' }) });
    expect(env.profiles.requestsFor(DOMAIN, 'starting').length).toBeGreaterThanOrEqual(2);
  } finally {
    clearTimeout(timer);
  }
});

test('wait: FAILED with what it last saw when the wait runs out', async () => {
  const report = await run('WaitRunsOut', { lastPhase: 'Create' });
  const create = step(report, 'Create');
  expect(create.status).toBe('FAILED');
  expect(create.reason).toMatch(/does not meet the deployment's requirements after waiting 3s \(\d+ checks\): required state RUNNING, found STOPPED/);
});

test('gate: the same stack deploys once the stream runs again', async () => {
  env.profiles.putStream(DOMAIN, 'stopped', running('stopped'));
  try {
    const report = await run('Gated', { lastPhase: 'Create' });
    expect(step(report, 'Create')).toMatchObject({ status: 'SUCCESS', data: expect.objectContaining({ State: 'RUNNING', DestinationStatus: 'HEALTHY' }) });
  } finally {
    env.profiles.putStream(DOMAIN, 'stopped', stopped('stopped'));
  }
});

describe('cross-account', () => {
  beforeAll(() => {
    env.sts.addRole(PARTNER_ROLE, { externalId: PARTNER_EXTERNAL_ID });
    env.profiles.putStream(DOMAIN, 'partner', running('partner'));
  });

  test('assumes the role with the external id and reads the stream with the issued credentials', async () => {
    const report = await run('CrossAccount', { lastPhase: 'Create' });
    expect(step(report, 'Create').status).toBe('SUCCESS');
    const issued = env.sts.calls.filter((c) => c.roleArn === PARTNER_ROLE && c.outcome === 'issued');
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ externalId: PARTNER_EXTERNAL_ID, sessionName: 'event-stream-lookup' });
    expect(env.profiles.requestsFor(DOMAIN, 'partner').map((r) => r.accessKeyId)).toEqual([issued[0].accessKeyId]);
  });

  test('a refused AssumeRole fails the lookup with a Reason naming the role', async () => {
    const report = await run('WrongExternalId', { lastPhase: 'Create' });
    const create = step(report, 'Create');
    expect(create.status).toBe('FAILED');
    expect(create.reason).toContain(`could not assume role ${PARTNER_ROLE} to read event stream 'partner'`);
    expect(create.reason).toContain('AccessDenied');
  });
});
