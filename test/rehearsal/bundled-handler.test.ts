import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { findLookups, functionSpec } from '../../tools/rehearsal/assembly';
import { RehearsalEnvironment } from '../../tools/rehearsal/environment';
import { invokeLambda, LambdaFunctionSpec } from '../../tools/rehearsal/lambda-process';
import { ACCOUNT, REGION, scenarioApp } from '../fixtures/scenarios';

/**
 * The bundled function from cdk.out, run as Lambda runs it, on its own: events CloudFormation
 * should never send (each still answered exactly once, over HTTPS), and the endpoint settings the
 * SDK reads from the environment.
 */

jest.setTimeout(60_000);

let env: RehearsalEnvironment;
let fn: LambdaFunctionSpec;
let outdir: string;

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-malformed-'));
  const assembly: CloudAssembly = scenarioApp(outdir).synth();
  const stack = assembly.getStackByName('Plain');
  const [lookup] = findLookups(stack);
  // The function's code key and (empty) environment are literals in this template.
  fn = functionSpec(stack, lookup.functionLogicalId, (v) => v);
  env = await RehearsalEnvironment.start({ account: ACCOUNT, region: REGION });
});
afterAll(async () => {
  await env.stop();
  fs.rmSync(outdir, { recursive: true, force: true });
});

const envelope = (overrides: Record<string, unknown>) => ({
  RequestType: 'Create',
  ResponseURL: env.receiver.issueUrl(),
  StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/S/00000000-0000-4000-8000-000000000000`,
  RequestId: 'malformed-1',
  LogicalResourceId: 'LookupA1B2C3D4',
  ResourceType: 'Custom::EventStreamLookup',
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:f', DomainName: 'd', EventStreamName: 's' },
  ...overrides,
});

test.each([
  ['no ResourceProperties', { ResourceProperties: undefined }, 'FAILED', 'the lookup has no ResourceProperties'],
  ['invalid names', { ResourceProperties: { DomainName: 'a b', EventStreamName: '' } }, 'FAILED', 'DomainName "a b" is not a valid name'],
  ['an unknown RequestType', { RequestType: 'Upsert' }, 'FAILED', 'unknown RequestType "Upsert"'],
  ['a Delete with garbage properties', { RequestType: 'Delete', PhysicalResourceId: 'x', ResourceProperties: [1, 2, 3] }, 'SUCCESS', 'nothing to delete'],
  ['a Delete without a physical id', { RequestType: 'Delete', ResourceProperties: 'garbage' }, 'SUCCESS', 'nothing to delete'],
])('%s: answered exactly once', async (_, overrides, status, reason) => {
  const event = envelope(overrides);
  const before = env.profiles.requests.length;
  const result = await invokeLambda(fn, event, env.runtimeVariables());
  expect(result.outcome).toBe('settled');
  const responses = env.receiver.responsesFor(event.ResponseURL);
  expect(responses).toHaveLength(1);
  expect(responses[0].json).toMatchObject({ Status: status, RequestId: 'malformed-1', LogicalResourceId: 'LookupA1B2C3D4' });
  expect(responses[0].json.Reason).toContain(reason);
  expect(responses[0].json.PhysicalResourceId).toBeTruthy();
  expect(env.profiles.requests.length).toBe(before); // nothing was called
});

test('an event that is not JSON-shaped at all settles without a response (there is no URL to answer)', async () => {
  const result = await invokeLambda(fn, 'not an event', env.runtimeVariables());
  expect(result.outcome).toBe('settled');
  expect(result.logs.join('\n')).toContain('no ResponseURL');
});

test('every lookup of the synthesized app points at the one bundled function', () => {
  expect(fn.codeDirectory).toMatch(/asset\.[0-9a-f]{64}$/);
  expect(fs.existsSync(path.join(fn.codeDirectory, 'index.js'))).toBe(true);
  expect(fn.handler).toBe('index.handler');
  expect(fn.runtime).toBe('nodejs24.x');
});

describe('the endpoint comes from the SDK defaults', () => {
  const lookupEvent = () => envelope({ ResourceProperties: { DomainName: 'endpoint-profiles', EventStreamName: 'orders' } });
  beforeAll(() => {
    env.profiles.putStream('endpoint-profiles', 'orders', {
      createdAt: new Date('2026-01-01T00:00:00Z'),
      state: 'RUNNING',
      destination: { uri: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/orders`, status: 'HEALTHY' },
    });
  });

  test.each([
    ['AWS_ENDPOINT_URL_CUSTOMER_PROFILES', (vars: Record<string, string>) => vars],
    ['AWS_ENDPOINT_URL', (vars: Record<string, string>) => {
      const { AWS_ENDPOINT_URL_CUSTOMER_PROFILES: endpoint, ...rest } = vars;
      return { ...rest, AWS_ENDPOINT_URL: endpoint };
    }],
  ])('%s', async (_, variables) => {
    const event = lookupEvent();
    const before = env.profiles.requestsFor('endpoint-profiles', 'orders').length;
    const result = await invokeLambda(fn, event, variables(env.runtimeVariables()));
    expect(result.outcome).toBe('settled');
    const [response] = env.receiver.responsesFor(event.ResponseURL);
    expect(response.json).toMatchObject({ Status: 'SUCCESS', Data: { State: 'RUNNING' } });
    expect(env.profiles.requestsFor('endpoint-profiles', 'orders').length).toBe(before + 1);
  });
});
