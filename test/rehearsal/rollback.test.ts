import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { RehearsalEnvironment } from '../../tools/rehearsal/environment';
import { rehearse, RehearsalReport, StepReport } from '../../tools/rehearsal/rehearse';
import { StandInStream } from '../../tools/stand-ins/customer-profiles';
import { ACCOUNT, DOMAIN, PARTNER_EXTERNAL_ID, PARTNER_ROLE, REGION, rollbackApp } from '../fixtures/scenarios';

/**
 * A failed gate must never wedge a stack. Each scenario deploys a stack gated on RUNNING with
 * `refreshOnEveryDeployment`, lets the stream stop (or worse), deploys again (the update fails, as
 * it should), and checks that CloudFormation's rollback (an Update with the previous properties to
 * every lookup the update touched) succeeds: UPDATE_ROLLBACK_COMPLETE, never UPDATE_ROLLBACK_FAILED.
 */

jest.setTimeout(120_000);

const kinesis = (name: string) => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
const running = (name: string): StandInStream => ({
  createdAt: new Date('2026-02-01T12:00:00Z'),
  state: 'RUNNING',
  destination: { uri: kinesis(name), status: 'HEALTHY' },
});
const stopped = (name: string): StandInStream => ({
  ...running(name),
  state: 'STOPPED',
  stoppedSince: new Date('2026-11-30T08:00:00Z'),
});

let env: RehearsalEnvironment;
let first: CloudAssembly;
let second: CloudAssembly;
const outdirs: string[] = [];

beforeAll(async () => {
  const synth = (token: string) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-rollback-'));
    outdirs.push(outdir);
    return rollbackApp(outdir, token).synth();
  };
  first = synth('deployment-1');
  second = synth('deployment-2');
  env = await RehearsalEnvironment.start({ account: ACCOUNT, region: REGION });
  env.sts.addRole(PARTNER_ROLE, { externalId: PARTNER_EXTERNAL_ID });
});
afterAll(async () => {
  await env.stop();
  outdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

const deployTwice = (stack: string, options: Parameters<typeof rehearse>[2] = {}) =>
  rehearse(first, env, { stacks: [stack], update: second, lastPhase: 'Update', ...options });
const steps = (report: RehearsalReport, requestType: string, rollback: boolean): StepReport[] =>
  report.steps.filter((s) => s.requestType === requestType && s.rollback === rollback);
const statusOf = (report: RehearsalReport) => report.stacks[0].status;

test('the issue\'s scenario: the stream stops, the gated update fails, and the rollback completes', async () => {
  env.profiles.putStream(DOMAIN, 'rb-gate', running('rb-gate'));
  const report = await deployTwice('RollbackGate', { beforeUpdate: () => void env.profiles.putStream(DOMAIN, 'rb-gate', stopped('rb-gate')) });

  const [update] = steps(report, 'Update', false);
  expect(update.status).toBe('FAILED');
  expect(update.reason).toMatch(/required state RUNNING, found STOPPED/);
  const [rollback] = steps(report, 'Update', true);
  expect(rollback.status).toBe('SUCCESS');
  // The rollback carried the previous properties, and the failed ones as the old ones.
  expect((rollback.event.ResourceProperties as any).RefreshToken).toBe('deployment-1');
  expect((rollback.event.OldResourceProperties as any).RefreshToken).toBe('deployment-2');
  expect(rollback.reason).toMatch(/^the stack is rolling back \(UPDATE_ROLLBACK_IN_PROGRESS\), so the requirements were not enforced/);
  expect(rollback.reason).toContain(`event stream 'rb-gate' in domain '${DOMAIN}' (${REGION})`);
  expect(rollback.data).toMatchObject({ State: 'STOPPED', EventStreamArn: env.profiles.arnOf(DOMAIN, 'rb-gate'), Uri: kinesis('rb-gate') });
  expect(rollback.physicalResourceId).toBe(env.profiles.arnOf(DOMAIN, 'rb-gate'));
  expect(statusOf(report)).toBe('UPDATE_ROLLBACK_COMPLETE');
  // The handler asked CloudFormation three times: the gated Create (can its Updates tell a rollback?),
  // the failing update, the rollback.
  expect(env.cloudformation.calls.filter((c) => c.stackName.includes('/RollbackGate/')).map((c) => c.outcome)).toEqual([
    'CREATE_IN_PROGRESS',
    'UPDATE_IN_PROGRESS',
    'UPDATE_ROLLBACK_IN_PROGRESS',
  ]);
});

test('two gated lookups: one fails, the other had been refreshed; both roll back, the stack completes its rollback', async () => {
  env.profiles.putStream(DOMAIN, 'rb-pair-ok', running('rb-pair-ok')).putStream(DOMAIN, 'rb-pair-stops', running('rb-pair-stops'));
  const report = await deployTwice('RollbackPair', { beforeUpdate: () => void env.profiles.putStream(DOMAIN, 'rb-pair-stops', stopped('rb-pair-stops')) });

  expect(steps(report, 'Update', false).map((s) => s.status).sort()).toEqual(['FAILED', 'SUCCESS']);
  const rollbacks = steps(report, 'Update', true);
  expect(rollbacks).toHaveLength(2);
  expect(rollbacks.map((s) => s.status)).toEqual(['SUCCESS', 'SUCCESS']);
  expect(rollbacks.every((s) => (s.event.ResourceProperties as any).RefreshToken === 'deployment-1')).toBe(true);
  expect(statusOf(report)).toBe('UPDATE_ROLLBACK_COMPLETE');
});

test('a gated lookup with a wait: the update waits and fails, the rollback answers at once', async () => {
  env.profiles.putStream(DOMAIN, 'rb-wait', running('rb-wait'));
  let checksBeforeRollback = 0;
  const report = await deployTwice('RollbackWaiting', {
    beforeUpdate: () => void env.profiles.putStream(DOMAIN, 'rb-wait', stopped('rb-wait')),
    // The update's wait runs into the time guard of a short function; the rollback must not wait at all.
    functionTimeoutSeconds: 8,
    beforeRollback: () => void (checksBeforeRollback = env.profiles.requestsFor(DOMAIN, 'rb-wait').length),
  });
  const [update] = steps(report, 'Update', false);
  expect(update.status).toBe('FAILED');
  const [rollback] = steps(report, 'Update', true);
  expect(rollback.status).toBe('SUCCESS');
  // The update checked several times while it waited; the rollback checked once and answered.
  expect(checksBeforeRollback).toBeGreaterThan(2);
  expect(env.profiles.requestsFor(DOMAIN, 'rb-wait').length - checksBeforeRollback).toBe(1);
  expect(statusOf(report)).toBe('UPDATE_ROLLBACK_COMPLETE');
});

test('a rollback while the API throttles past the rollback\'s retries: SUCCESS with the ARN it already had', async () => {
  env.profiles.putStream(DOMAIN, 'rb-throttled', running('rb-throttled'));
  const report = await deployTwice('RollbackThrottled', {
    beforeUpdate: () => void env.profiles.putStream(DOMAIN, 'rb-throttled', stopped('rb-throttled')),
    beforeRollback: () => {
      for (let i = 0; i < 200; i++) {
        env.profiles.script(DOMAIN, 'rb-throttled', { kind: 'error', type: 'ThrottlingException' });
      }
    },
  });
  const [rollback] = steps(report, 'Update', true);
  expect(rollback.status).toBe('SUCCESS');
  expect(rollback.reason).toContain('ThrottlingException');
  expect(rollback.reason).toContain(`event stream 'rb-throttled' in domain '${DOMAIN}' (${REGION})`);
  expect(rollback.physicalResourceId).toBe(env.profiles.arnOf(DOMAIN, 'rb-throttled'));
  expect(rollback.data).toMatchObject({ EventStreamArn: env.profiles.arnOf(DOMAIN, 'rb-throttled'), Exists: 'true', Uri: '', State: '' });
  expect(statusOf(report)).toBe('UPDATE_ROLLBACK_COMPLETE');
});

test('a rollback after the stream was deleted: SUCCESS, same physical id, names kept', async () => {
  env.profiles.putStream(DOMAIN, 'rb-deleted', running('rb-deleted'));
  const report = await deployTwice('RollbackDeleted', { beforeUpdate: () => void env.profiles.deleteStream(DOMAIN, 'rb-deleted') });
  const [update] = steps(report, 'Update', false);
  expect(update.reason).toMatch(/not found/);
  const [rollback] = steps(report, 'Update', true);
  expect(rollback).toMatchObject({ status: 'SUCCESS', physicalResourceId: env.profiles.arnOf(DOMAIN, 'rb-deleted') });
  expect(rollback.data).toMatchObject({ DomainName: DOMAIN, EventStreamName: 'rb-deleted', Region: REGION });
  expect(rollback.reason).toContain('ResourceNotFoundException');
  expect(statusOf(report)).toBe('UPDATE_ROLLBACK_COMPLETE');
});

test('a rollback of a cross-account lookup: the stream through the partner role, the stack status with the function\'s own credentials', async () => {
  env.profiles.putStream(DOMAIN, 'rb-partner', running('rb-partner'));
  const before = env.cloudformation.calls.length;
  const report = await deployTwice('RollbackCrossAccount', { beforeUpdate: () => void env.profiles.putStream(DOMAIN, 'rb-partner', stopped('rb-partner')) });
  const [rollback] = steps(report, 'Update', true);
  expect(rollback.status).toBe('SUCCESS');
  expect(rollback.reason).toContain(`via role ${PARTNER_ROLE}`);
  const calls = env.cloudformation.calls.slice(before);
  expect(calls.length).toBe(3); // the gated Create's check, the update's, the rollback's
  // Each call is signed by a session of the function's execution role (as the template defines it);
  // GetEventStream by a session of the partner role, never the function's own.
  const roleOf = (accessKeyId: string | undefined) => env.iam.principalOf(accessKeyId ?? '')?.roleArn;
  const functionRole = roleOf(calls[0].accessKeyId);
  expect(functionRole).toMatch(/^arn:aws:iam::\d{12}:role\/RollbackCrossAccount-/);
  expect(calls.every((c) => roleOf(c.accessKeyId) === functionRole)).toBe(true);
  expect(env.profiles.requestsFor(DOMAIN, 'rb-partner').every((r) => roleOf(r.accessKeyId) === PARTNER_ROLE)).toBe(true);
  expect(statusOf(report)).toBe('UPDATE_ROLLBACK_COMPLETE');
});

describe('the rehearsal is faithful to a rollback that fails', () => {
  /** A handler without rollback detection, as this library's was: every Update answers FAILED. */
  const NAIVE_HANDLER = `
const https = require('https');
exports.handler = async (event) => {
  const failed = event.RequestType === 'Update';
  const body = JSON.stringify({
    Status: failed ? 'FAILED' : 'SUCCESS',
    Reason: failed ? 'gate not met' : 'ok',
    PhysicalResourceId: event.PhysicalResourceId || 'naive',
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
    Data: { EventStreamArn: 'arn', Uri: 'uri', State: 'RUNNING' },
  });
  await new Promise((resolve, reject) => {
    const url = new URL(event.ResponseURL);
    const req = https.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
};`;

  test('a failing rollback Update ends the stack in UPDATE_ROLLBACK_FAILED', async () => {
    const synth = (token: string) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-naive-'));
      outdirs.push(outdir);
      const assembly = rollbackApp(outdir, token).synth();
      for (const entry of fs.readdirSync(outdir).filter((name) => name.startsWith('asset.'))) {
        fs.writeFileSync(path.join(outdir, entry, 'index.js'), NAIVE_HANDLER);
      }
      return assembly;
    };
    const report = await rehearse(synth('naive-1'), env, { stacks: ['RollbackGate'], update: synth('naive-2'), lastPhase: 'Update' });
    expect(steps(report, 'Update', true).map((s) => s.status)).toEqual(['FAILED']);
    expect(statusOf(report)).toBe('UPDATE_ROLLBACK_FAILED');
    expect(env.cloudformation.statusOf('RollbackGate')).toBe('UPDATE_ROLLBACK_FAILED');
  });
});
