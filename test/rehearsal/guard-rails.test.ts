import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { EventStreamLookup, EventStreamState } from '../../src';
import { FULL_AWS_ACCESS, policyOf } from '../../tools/iam/world';
import { RehearsalEnvironment } from '../../tools/rehearsal/environment';
import { rehearse, RehearsalReport } from '../../tools/rehearsal/rehearse';
import { StandInStream } from '../../tools/stand-ins/customer-profiles';

/**
 * Organizations' guard rails, rehearsed: an SCP or a permissions boundary that takes away part of
 * what the function's role needs. The stand-ins authorize every call against the role as the
 * template defines it, plus the account's SCPs and the role's boundary (tools/iam/), so each denial
 * happens as in AWS; each outcome is loud and names the stream, its domain and region, and the fix.
 */

jest.setTimeout(180_000);

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const DOMAIN = 'guard-profiles';
const PARTNER_ROLE = 'arn:aws:iam::210987654321:role/ProfilesReader';
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/lookups-boundary`;

const stream = (state: 'RUNNING' | 'STOPPED'): StandInStream => ({
  createdAt: new Date('2026-02-01T12:00:00Z'),
  state,
  ...(state === 'STOPPED' ? { stoppedSince: new Date('2026-11-30T08:00:00Z') } : {}),
  destination: { uri: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/guarded`, status: 'HEALTHY' },
});
const scpDenying = (action: string) => [FULL_AWS_ACCESS, { name: `Deny-${action}`, policy: policyOf({ Effect: 'Deny', Action: action, Resource: '*' }) }];

let env: RehearsalEnvironment;
let assembly: CloudAssembly;
let next: CloudAssembly;
const outdirs: string[] = [];

function synth(token: string): CloudAssembly {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-guard-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { [EventStreamLookup.REFRESH_CONTEXT_KEY]: token } });
  const where = { account: ACCOUNT, region: REGION };
  const gated = new Stack(app, 'GuardGated', { env: where });
  new EventStreamLookup(gated, 'Orders', { domainName: DOMAIN, eventStreamName: 'gated', requiredState: EventStreamState.RUNNING, refreshOnEveryDeployment: true });
  const partner = new Stack(app, 'GuardCrossAccount', { env: where });
  new EventStreamLookup(partner, 'Orders', { domainName: DOMAIN, eventStreamName: 'partner', roleArn: PARTNER_ROLE, externalId: 'guard' });
  const bounded = new Stack(app, 'GuardBoundary', { env: where });
  iam.PermissionsBoundary.of(bounded).apply(iam.ManagedPolicy.fromManagedPolicyArn(bounded, 'Boundary', BOUNDARY));
  new EventStreamLookup(bounded, 'Orders', { domainName: DOMAIN, eventStreamName: 'bounded' });
  return app.synth();
}

beforeAll(async () => {
  assembly = synth('deployment-1');
  next = synth('deployment-2');
  env = await RehearsalEnvironment.start({ account: ACCOUNT, region: REGION });
  env.sts.addRole(PARTNER_ROLE, { externalId: 'guard' });
  // A boundary an administrator created: logs and CloudFormation reads, but no profile: action.
  env.managedPolicies.set(BOUNDARY, {
    name: 'lookups-boundary',
    policy: policyOf({ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'cloudformation:DescribeStacks'], Resource: '*' }),
  });
  for (const name of ['gated', 'partner', 'bounded']) {
    env.profiles.putStream(DOMAIN, name, stream('RUNNING'));
  }
});
afterEach(() => {
  env.iam.setServiceControlPolicies(ACCOUNT, []);
});
afterAll(async () => {
  await env.stop();
  outdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

const only = (report: RehearsalReport, requestType: string, rollback = false) =>
  report.steps.filter((s) => s.requestType === requestType && s.rollback === rollback);

describe('an SCP that denies cloudformation:DescribeStacks', () => {
  test('a gated Create fails at once, naming the action, the stack, the role and the fix: a skipped gate cannot go unnoticed', async () => {
    env.iam.setServiceControlPolicies(ACCOUNT, scpDenying('cloudformation:DescribeStacks'));
    const report = await rehearse(assembly, env, { stacks: ['GuardGated'], lastPhase: 'Create' });
    const [create] = only(report, 'Create');
    expect(create.status).toBe('FAILED');
    expect(create.reason).toMatch(
      new RegExp(`^event stream 'gated' in domain '${DOMAIN}' \\(${REGION}\\) has requirements \\(requiredState, requireHealthyDestination or waitTimeout\\), but cloudformation:DescribeStacks on arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/GuardGated/\\S+ is denied to the lookup's function role \\(AccessDenied: User: arn:aws:sts::${ACCOUNT}:assumed-role/GuardGated-\\S+ is not authorized to perform: cloudformation:DescribeStacks on resource: \\S+\\)\\. Without it, later Updates cannot be told from rollbacks`),
    );
    expect(create.reason).toContain('Allow cloudformation:DescribeStacks on this stack in the SCPs and the permissions boundary that apply to the function role');
    expect(report.stacks[0].status).toBe('ROLLBACK_COMPLETE');
  });

  test('denied after the gated lookup exists: a gated Update cannot be told from a rollback, so it succeeds, its Reason starting GATE NOT ENFORCED; a rollback never fails', async () => {
    env.profiles.putStream(DOMAIN, 'gated', stream('RUNNING'));
    const report = await rehearse(assembly, env, {
      stacks: ['GuardGated'],
      update: next,
      lastPhase: 'Update',
      beforeUpdate: () => {
        env.profiles.putStream(DOMAIN, 'gated', stream('STOPPED'));
        env.iam.setServiceControlPolicies(ACCOUNT, scpDenying('cloudformation:DescribeStacks'));
      },
    });
    const [update] = only(report, 'Update');
    expect(update.status).toBe('SUCCESS');
    expect(update.reason).toMatch(/^GATE NOT ENFORCED: cloudformation:DescribeStacks on this stack was denied to the lookup's function role \(AccessDenied: User: \S+ is not authorized to perform: cloudformation:DescribeStacks on resource: \S+\), so this Update cannot be told from a rollback and its requirements were not enforced/);
    expect(update.reason).toContain(`event stream 'gated' in domain '${DOMAIN}' (${REGION}) is STOPPED`);
    expect(report.stacks[0].status).toBe('UPDATE_COMPLETE');
  });
});

test('an SCP that denies sts:AssumeRole: the cross-account lookup fails, naming the role, the stream, its domain and region', async () => {
  env.iam.setServiceControlPolicies(ACCOUNT, scpDenying('sts:AssumeRole'));
  const report = await rehearse(assembly, env, { stacks: ['GuardCrossAccount'], lastPhase: 'Create' });
  const [create] = only(report, 'Create');
  expect(create.status).toBe('FAILED');
  expect(create.reason).toContain(`could not assume role ${PARTNER_ROLE} to read event stream 'partner' in domain '${DOMAIN}' (${REGION})`);
  // IAM's message, cut at the handler's 300-character detail limit.
  expect(create.reason).toContain('is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/ProfilesReader with an explicit de');
  expect(env.sts.calls.at(-1)!.denied).toContain('with an explicit deny in a service control policy');
  expect(env.sts.calls.at(-1)).toMatchObject({ roleArn: PARTNER_ROLE, outcome: 'AccessDenied' });
  expect(report.stacks[0].status).toBe('ROLLBACK_COMPLETE');
});

test('a permissions boundary without profile:GetEventStream: the lookup fails, naming the stream, its domain and region, and the action to allow', async () => {
  const report = await rehearse(assembly, env, { stacks: ['GuardBoundary'], lastPhase: 'Create' });
  const [create] = only(report, 'Create');
  expect(create.status).toBe('FAILED');
  expect(create.reason).toMatch(new RegExp(`^access denied reading event stream 'bounded' in domain '${DOMAIN}' \\(${REGION}\\): AccessDeniedException: User: arn:aws:sts::${ACCOUNT}:assumed-role/GuardBoundary-\\S+ is not authorized to perform: profile:GetEventStream on resource: arn:aws:profile:${REGION}:${ACCOUNT}:domains/`));
  expect(env.profiles.requestsFor(DOMAIN, 'bounded')[0].denied).toContain('because no permissions boundary allows the profile:GetEventStream action');
  expect(create.reason).toContain('profile:GetEventStream on the domain and on the event stream');
  expect(env.profiles.requestsFor(DOMAIN, 'bounded').every((r) => r.denied !== undefined)).toBe(true);
});
