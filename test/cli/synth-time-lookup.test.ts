import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { CONTEXT_FILE, EXAMPLES_DIR, runCdk, scratchCopyOfExample, synthIn } from '../../tools/cdk-cli';
import { RETAIL_WORLD, seedRetailCloudControl } from '../../tools/demo/world';
import { applyRolePolicies } from '../../tools/iam/apply-template';
import { CloudControlEnvironment } from '../../tools/stand-ins/cloud-control-environment';
import { TEST_CREDENTIALS } from '../../tools/stand-ins/sigv4';

/**
 * `EventStreamLookup.fromLookup` end to end: the real CDK CLI (the pinned `aws-cdk`) synthesizes
 * examples/synth-time-lookup, copied without its cdk.context.json, against the local STS and Cloud
 * Control stand-ins, as it would against AWS. The stand-ins authorize every call as IAM would
 * (tools/iam/): the lookup role is exactly what `cdk bootstrap` of the installed CLI creates (AWS's
 * ReadOnlyAccess and a kms:Decrypt deny), so the first synth is denied profile:GetEventStream; the
 * example's grant stack, synthesized alone by the same CLI and its IAM policy applied to that role as
 * CloudFormation would, makes the same synth succeed.
 */

jest.setTimeout(180_000);

const KEY =
  'cc-api-provider:account=123456789012:exactIdentifier=retail-profiles|orders:propertiesToReturn.0=EventStreamArn:propertiesToReturn.1=Uri:propertiesToReturn.2=State:propertiesToReturn.3=CreatedAt:region=us-east-1:typeName=AWS$:$:CustomerProfiles$:$:EventStream';
const ARN = `arn:aws:profile:us-east-1:${RETAIL_WORLD.account}:domains/retail-profiles/event-streams/orders`;
const URI = `arn:aws:kinesis:us-east-1:${RETAIL_WORLD.account}:stream/retail-orders`;

/**
 * The CLI's environment for these synths: aws-cdk-lib's template validation off (about 9 s of CPU
 * per synth, and seven synths here); test/examples.test.ts synthesizes this example through the
 * CLI with it on, as users run it.
 */
const NO_TEMPLATE_VALIDATION = { CDK_VALIDATION: 'false' };
/** The stand-ins' endpoints and credentials, with the validation off. */
const standIns = () => ({ ...env.cliVariables(), ...NO_TEMPLATE_VALIDATION });

let env: CloudControlEnvironment;
const scratch: string[] = [];
const tempDir = (dir: string) => {
  scratch.push(dir);
  return dir;
};
const outdir = () => tempDir(fs.mkdtempSync(path.join(os.tmpdir(), 'esl-synth-time-')));
const readContext = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, CONTEXT_FILE), 'utf8'));
const templateIn = (out: string) => JSON.parse(fs.readFileSync(path.join(out, 'OrdersReader.template.json'), 'utf8'));

beforeAll(async () => {
  env = await CloudControlEnvironment.start({ account: RETAIL_WORLD.account, region: RETAIL_WORLD.region });
});
afterAll(async () => {
  await env.stop();
  scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

describe('the lookup role exactly as cdk bootstrap makes it', () => {
  let app: string;
  let result: Awaited<ReturnType<typeof synthIn>>;

  beforeAll(async () => {
    seedRetailCloudControl(env.cloudControl);
    env.log.clear();
    app = tempDir(scratchCopyOfExample('synth-time-lookup'));
    result = await synthIn(app, outdir(), { env: standIns() });
  });

  test('Cloud Control denies the read: the role has no profile:GetEventStream', () => {
    expect(env.log.entries.map((r) => `${r.service}:${r.operation}:${r.outcome}`)).toEqual([
      'sts:GetCallerIdentity:ok',
      'sts:AssumeRole:ok',
      'cloudcontrolapi:GetResource:AccessDeniedException',
    ]);
    expect(env.cloudControl.denials.at(-1)).toMatch(
      new RegExp(`^AWS::CustomerProfiles::EventStream Handler returned status FAILED: User: arn:aws:sts::${RETAIL_WORLD.account}:assumed-role/cdk-hnb659fds-lookup-role-${RETAIL_WORLD.account}-us-east-1/\\S+ is not authorized to perform: profile:GetEventStream on resource: arn:aws:profile:us-east-1:${RETAIL_WORLD.account}:domains/retail-profiles because no identity-based policy allows the profile:GetEventStream action \\(Service: CustomerProfiles, Status Code: 403,`),
    );
  });

  test('synth fails with one error naming the role, the action and the fix', () => {
    expect(result.status).not.toBe(0);
    const output = `${result.stderr}${result.stdout}`;
    // Ours, and not the CLI's raw text as a second error (aws-cdk-lib's ContextProvider would add it).
    expect(output).toContain('EventStreamLookup.fromLookup: the CDK CLI could not read');
    expect(output).not.toContain('AWS::CustomerProfiles::EventStream Handler returned status FAILED');
    expect(output).toContain(
      "EventStreamLookup.fromLookup: the CDK CLI could not read event stream 'orders' in domain 'retail-profiles' (us-east-1) in account 123456789012: access denied. " +
        'arn:aws:sts::123456789012:assumed-role/cdk-hnb659fds-lookup-role-123456789012-us-east-1/',
    );
    expect(output).toContain('is not allowed to call profile:GetEventStream on arn:aws:profile:us-east-1:123456789012:domains/retail-profiles (no identity-based policy allows the profile:GetEventStream action).');
    expect(output).toContain("Grant it once per account and region: deploy an EventStreamLookupRoleGrant naming domain 'retail-profiles'");
    expect(output).not.toContain('Encountered CC API error');
  });

  test('nothing is cached', () => {
    const file = path.join(app, CONTEXT_FILE);
    expect(fs.existsSync(file) ? readContext(app) : {}).toEqual({});
  });
});

describe('after the grant stack, deployed alone first, as the README says', () => {
  let grantOut: string;
  let grantSynth: Awaited<ReturnType<typeof synthIn>>;

  beforeAll(async () => {
    const app = tempDir(scratchCopyOfExample('synth-time-lookup'));
    grantOut = outdir();
    env.log.clear();
    // `cdk deploy EventStreamLookupGrant --exclusively` synthesizes the app as this does.
    grantSynth = await runCdk(['synth', 'EventStreamLookupGrant', '--exclusively', '--quiet', '--output', grantOut], { cwd: app, env: standIns() });
  });

  test('the CLI synthesizes the grant stack alone, though the other stack\'s lookup is still denied', () => {
    expect({ status: grantSynth.status, stderr: grantSynth.status === 0 ? '' : grantSynth.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('its one IAM policy, applied as CloudFormation would, lands on the lookup role: GetEventStream on the domain and its streams', () => {
    const stack = new CloudAssembly(grantOut).getStackByName('EventStreamLookupGrant');
    expect(applyRolePolicies(stack, env.iam, RETAIL_WORLD)).toEqual([env.lookupRoleArn]);
    expect(env.iam.role(env.lookupRoleArn)!.policies.at(-1)!.policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'profile:GetEventStream',
          Effect: 'Allow',
          Resource: ['arn:aws:profile:us-east-1:123456789012:domains/retail-profiles', 'arn:aws:profile:us-east-1:123456789012:domains/retail-profiles/event-streams/*'],
        },
      ],
    });
  });
});

describe('a stream that exists', () => {
  let app: string;
  let firstOut: string;
  let first: Awaited<ReturnType<typeof synthIn>>;
  let requests: typeof env.log.entries;

  beforeAll(async () => {
    seedRetailCloudControl(env.cloudControl);
    env.log.clear();
    app = tempDir(scratchCopyOfExample('synth-time-lookup'));
    firstOut = outdir();
    first = await synthIn(app, firstOut, { env: standIns() });
    requests = [...env.log.entries];
  });

  test('cdk synth succeeds', () => {
    expect({ status: first.status, stderr: first.status === 0 ? '' : first.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('the CLI asks STS who it is, assumes the bootstrap lookup role, then reads the stream once through Cloud Control with that role', () => {
    expect(requests).toHaveLength(3);
    const [identity, assume, read] = requests;
    expect(identity).toEqual({ service: 'sts', operation: 'GetCallerIdentity', detail: '', accessKeyId: TEST_CREDENTIALS.accessKeyId, outcome: 'ok' });
    expect(assume).toEqual({
      service: 'sts',
      operation: 'AssumeRole',
      detail: `arn:aws:iam::${RETAIL_WORLD.account}:role/cdk-hnb659fds-lookup-role-${RETAIL_WORLD.account}-us-east-1`,
      accessKeyId: TEST_CREDENTIALS.accessKeyId,
      outcome: 'ok',
    });
    const issued = env.sts.calls.at(-1)!.accessKeyId;
    expect(read).toEqual({ service: 'cloudcontrolapi', operation: 'GetResource', detail: 'retail-profiles|orders', accessKeyId: issued, outcome: 'ok' });
    expect(env.cloudControl.requests.at(-1)).toMatchObject({ target: 'CloudApiService.GetResource', typeName: 'AWS::CustomerProfiles::EventStream' });
  });

  test('cdk.context.json caches exactly the requested properties and the identifier', () => {
    expect(readContext(app)).toEqual({
      [KEY]: [{ EventStreamArn: ARN, Uri: URI, State: 'RUNNING', CreatedAt: '2026-03-02T09:30:00Z', Identifier: 'retail-profiles|orders' }],
    });
  });

  test('the committed cdk.context.json of the example is what the CLI writes', () => {
    expect(fs.readFileSync(path.join(app, CONTEXT_FILE), 'utf8')).toBe(fs.readFileSync(path.join(EXAMPLES_DIR, 'synth-time-lookup', CONTEXT_FILE), 'utf8'));
  });

  test('the template holds the literal ARN and Uri, and no custom resource or function', () => {
    const template = templateIn(firstOut);
    const types = Object.values<any>(template.Resources).map((r) => r.Type);
    expect(types.filter((t) => t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource' || t.startsWith('AWS::Lambda::'))).toEqual([]);
    expect(types.sort()).toEqual(['AWS::CDK::Metadata', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::SSM::Parameter']);
    const byType = (type: string) => Object.values<any>(template.Resources).find((r) => r.Type === type).Properties;
    expect(byType('AWS::SSM::Parameter').Value).toBe(ARN);
    expect(byType('AWS::IAM::Policy').PolicyDocument.Statement[0].Resource).toBe(URI);
    expect(template.Outputs.OrdersDestination).toEqual({ Value: URI });
  });

  test('a second synth reads the cache: no lookup; the only call is the CLI\'s own GetCallerIdentity for the default account', async () => {
    env.log.clear();
    const out = outdir();
    const second = await synthIn(app, out, { env: standIns() });
    expect(second.status).toBe(0);
    expect(env.log.entries.map((r) => `${r.service}:${r.operation}`)).toEqual(['sts:GetCallerIdentity']);
    expect(templateIn(out)).toEqual(templateIn(firstOut));
  });

  test('a second synth without credentials or endpoints makes no call at all and gives the same template', async () => {
    env.log.clear();
    const out = outdir();
    const offline = await synthIn(app, out, { env: NO_TEMPLATE_VALIDATION });
    expect(offline.status).toBe(0);
    expect(env.log.entries).toEqual([]);
    expect(templateIn(out)).toEqual(templateIn(firstOut));
  });
});

describe('a stream that does not exist', () => {
  let app: string;
  let result: Awaited<ReturnType<typeof synthIn>>;

  beforeAll(async () => {
    env.cloudControl.deleteStream(RETAIL_WORLD.domainName, 'orders');
    env.log.clear();
    app = tempDir(scratchCopyOfExample('synth-time-lookup'));
    result = await synthIn(app, outdir(), { env: standIns() });
  });

  test('Cloud Control answered ResourceNotFoundException to the one GetResource', () => {
    expect(env.log.entries.map((r) => `${r.service}:${r.operation}:${r.outcome}`)).toEqual([
      'sts:GetCallerIdentity:ok',
      'sts:AssumeRole:ok',
      'cloudcontrolapi:GetResource:ResourceNotFoundException',
    ]);
  });

  test('synth fails with one error, naming the domain, the stream and the region, and what to do', () => {
    expect(result.status).not.toBe(0);
    const output = `${result.stderr}${result.stdout}`;
    expect(output).toContain(
      "EventStreamLookup.fromLookup: the CDK CLI could not read event stream 'orders' in domain 'retail-profiles' (us-east-1) in account 123456789012: it does not exist (AWS::CustomerProfiles::EventStream 'retail-profiles|orders' was not found).",
    );
    expect(output).toContain('Nothing was cached: the next synth looks the stream up again.');
    // The CLI's own text is not repeated as a second error.
    expect(output).not.toContain('No resource of type AWS::CustomerProfiles::EventStream with identifier');
  });

  test('nothing is cached', () => {
    const file = path.join(app, CONTEXT_FILE);
    expect(fs.existsSync(file) ? readContext(app) : {}).toEqual({});
  });
});
