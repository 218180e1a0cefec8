import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CustomerProfilesClient, GetEventStreamCommand } from '@aws-sdk/client-customer-profiles';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describeStackStatus, fetchEventStream } from '../../lambda/aws';
import { AssumeRoleError } from '../../lambda/reasons';
import { lookupSpec, runningStream, STACK_ID } from '../fixtures/events';

/** The options a mocked `send` was given (its typings know only the command). */
const sendOptions = (call: { args: readonly unknown[] }) => call.args[1] as { abortSignal?: AbortSignal } | undefined;

/**
 * The edge to AWS (lambda/aws.ts) on its own: which client each call uses, with which config,
 * region, credentials and abort signal, and that short-lived clients are destroyed.
 */

const profiles = mockClient(CustomerProfilesClient);
const sts = mockClient(STSClient);
const cloudformation = mockClient(CloudFormationClient);

/** What the tests read of a client's resolved config (the SDK resolves most fields to providers). */
interface ClientConfig {
  region: () => Promise<string>;
  maxAttempts: () => Promise<number>;
  credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
}
const configOf = (client: unknown): ClientConfig => (client as { config: ClientConfig }).config;

const ROLE = 'arn:aws:iam::210987654321:role/ProfilesReader';
const spec = lookupSpec;

const savedRegion = process.env.AWS_REGION;
let destroyed: jest.SpyInstance[] = [];

beforeEach(() => {
  profiles.reset();
  sts.reset();
  cloudformation.reset();
  process.env.AWS_REGION = 'us-east-1';
  destroyed = [
    jest.spyOn(STSClient.prototype, 'destroy'),
    jest.spyOn(CloudFormationClient.prototype, 'destroy'),
  ];
});

afterEach(() => {
  destroyed.forEach((spy) => spy.mockRestore());
});

afterAll(() => {
  profiles.restore();
  sts.restore();
  cloudformation.restore();
  if (savedRegion === undefined) {
    delete process.env.AWS_REGION;
  } else {
    process.env.AWS_REGION = savedRegion;
  }
});

describe('fetchEventStream with the function\'s own credentials', () => {
  test('asks GetEventStream for the spec\'s stream, passing the abort signal, one attempt per call', async () => {
    profiles.on(GetEventStreamCommand).resolves(runningStream());
    const signal = new AbortController().signal;
    await expect(fetchEventStream(spec({ region: 'ap-southeast-2' }), signal)).resolves.toMatchObject({ State: 'RUNNING' });
    const call = profiles.send.getCall(0);
    expect((call.args[0] as GetEventStreamCommand).input).toEqual({ DomainName: 'retail-profiles', EventStreamName: 'orders' });
    expect(sendOptions(call)).toEqual({ abortSignal: signal });
    expect(sendOptions(call)?.abortSignal).toBe(signal);
    const config = configOf(call.thisValue);
    await expect(config.region()).resolves.toBe('ap-southeast-2');
    await expect(config.maxAttempts()).resolves.toBe(1);
    expect(sts.calls()).toHaveLength(0);
  });

  test('reuses one client per region across calls (warm invocations), and a separate one for another region', async () => {
    profiles.on(GetEventStreamCommand).resolves(runningStream());
    const signal = new AbortController().signal;
    await fetchEventStream(spec({ region: 'eu-north-1' }), signal);
    await fetchEventStream(spec({ region: 'eu-north-1' }), signal);
    await fetchEventStream(spec({ region: 'sa-east-1' }), signal);
    const [first, second, third] = profiles.send.getCalls().map((c) => c.thisValue);
    expect(second).toBe(first);
    expect(third).not.toBe(first);
    await expect(configOf(third).region()).resolves.toBe('sa-east-1');
  });
});

describe('fetchEventStream through an assumed role', () => {
  const credentials = { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2026-12-01T01:00:00Z') };

  test('assumes the role (session name, external id, 15 minutes) with the abort signal, then reads with its credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    profiles.on(GetEventStreamCommand).resolves(runningStream());
    const signal = new AbortController().signal;
    await fetchEventStream(spec({ region: 'eu-west-1', roleArn: ROLE, externalId: 'shared-ext-id' }), signal);

    const assume = sts.send.getCall(0);
    expect((assume.args[0] as AssumeRoleCommand).input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'event-stream-lookup',
      ExternalId: 'shared-ext-id',
      DurationSeconds: 900,
    });
    expect(sendOptions(assume)).toEqual({ abortSignal: signal });
    expect(sendOptions(assume)?.abortSignal).toBe(signal);

    const read = profiles.send.getCall(0);
    expect(sendOptions(read)?.abortSignal).toBe(signal);
    const config = configOf(read.thisValue);
    await expect(config.region()).resolves.toBe('eu-west-1');
    await expect(config.maxAttempts()).resolves.toBe(1);
    await expect(config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  test('STS is asked in the function\'s region, with the SDK\'s retries, and destroyed afterwards', async () => {
    process.env.AWS_REGION = 'us-west-2';
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    profiles.on(GetEventStreamCommand).resolves(runningStream());
    await fetchEventStream(spec({ region: 'eu-west-1', roleArn: ROLE }), new AbortController().signal);
    const client = sts.send.getCall(0).thisValue as STSClient;
    await expect(configOf(client).region()).resolves.toBe('us-west-2');
    await expect(configOf(client).maxAttempts()).resolves.toBe(4);
    expect(destroyed[0]).toHaveBeenCalledTimes(1);
    expect(destroyed[0].mock.contexts[0]).toBe(client);
  });

  test('without AWS_REGION, STS is asked in the stream\'s region', async () => {
    delete process.env.AWS_REGION;
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    profiles.on(GetEventStreamCommand).resolves(runningStream());
    await fetchEventStream(spec({ region: 'ca-central-1', roleArn: ROLE }), new AbortController().signal);
    await expect(configOf(sts.send.getCall(0).thisValue).region()).resolves.toBe('ca-central-1');
  });

  test('a failed AssumeRole names the role, and STS is still destroyed', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const failure = fetchEventStream(spec({ roleArn: ROLE }), new AbortController().signal);
    await expect(failure).rejects.toBeInstanceOf(AssumeRoleError);
    await expect(failure).rejects.toMatchObject({ roleArn: ROLE, cause: { name: 'AccessDenied' } });
    expect(destroyed[0]).toHaveBeenCalledTimes(1);
    expect(profiles.calls()).toHaveLength(0);
  });

  test.each([
    ['no credentials', {}],
    ['no secret', { Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: undefined as unknown as string, Expiration: new Date(), SessionToken: 't' } }],
  ])('an AssumeRole answer with %s fails as an AssumeRoleError', async (_, answer) => {
    sts.on(AssumeRoleCommand).resolves(answer);
    const failure = fetchEventStream(spec({ roleArn: ROLE }), new AbortController().signal);
    await expect(failure).rejects.toMatchObject({ name: 'AssumeRoleError', cause: { message: 'AssumeRole returned no credentials' } });
    expect(profiles.calls()).toHaveLength(0);
  });
});

describe('describeStackStatus', () => {
  const answer = (status: string) => ({ Stacks: [{ StackName: 'Consumer', StackStatus: status, CreationTime: new Date() }] }) as never;

  test('asks DescribeStacks for the stack, in the stack\'s region, with 3 attempts and the abort signal, then destroys the client', async () => {
    process.env.AWS_REGION = 'us-west-2';
    cloudformation.on(DescribeStacksCommand).resolves(answer('UPDATE_ROLLBACK_IN_PROGRESS'));
    const signal = new AbortController().signal;
    await expect(describeStackStatus(STACK_ID, signal)).resolves.toBe('UPDATE_ROLLBACK_IN_PROGRESS');
    const call = cloudformation.send.getCall(0);
    expect((call.args[0] as DescribeStacksCommand).input).toEqual({ StackName: STACK_ID });
    expect(sendOptions(call)).toEqual({ abortSignal: signal });
    expect(sendOptions(call)?.abortSignal).toBe(signal);
    const config = configOf(call.thisValue);
    await expect(config.region()).resolves.toBe('us-east-1');
    await expect(config.maxAttempts()).resolves.toBe(3);
    expect(destroyed[1]).toHaveBeenCalledTimes(1);
    expect(destroyed[1].mock.contexts[0]).toBe(call.thisValue);
  });

  test('the region comes from the stack id, whatever AWS_REGION says', async () => {
    cloudformation.on(DescribeStacksCommand).resolves(answer('UPDATE_IN_PROGRESS'));
    const stackId = 'arn:aws:cloudformation:eu-central-1:123456789012:stack/Consumer/5b6ef7a0-0000-11ef-8000-0a1b2c3d4e5f';
    await expect(describeStackStatus(stackId, new AbortController().signal)).resolves.toBe('UPDATE_IN_PROGRESS');
    await expect(configOf(cloudformation.send.getCall(0).thisValue).region()).resolves.toBe('eu-central-1');
  });

  test('a stack id without a region falls back to AWS_REGION', async () => {
    process.env.AWS_REGION = 'ap-northeast-1';
    cloudformation.on(DescribeStacksCommand).resolves(answer('UPDATE_IN_PROGRESS'));
    await describeStackStatus('Consumer', new AbortController().signal);
    await expect(configOf(cloudformation.send.getCall(0).thisValue).region()).resolves.toBe('ap-northeast-1');
  });

  test.each([
    ['no Stacks', {}],
    ['an empty Stacks', { Stacks: [] }],
    ['a stack without a status', { Stacks: [{ StackName: 'Consumer' }] }],
  ])('an answer with %s is an error (and the client is still destroyed)', async (_, response) => {
    cloudformation.on(DescribeStacksCommand).resolves(response as never);
    await expect(describeStackStatus(STACK_ID, new AbortController().signal)).rejects.toThrow('DescribeStacks returned no stack status');
    expect(destroyed[1]).toHaveBeenCalledTimes(1);
  });

  test('a DescribeStacks error propagates, and the client is still destroyed', async () => {
    cloudformation.on(DescribeStacksCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    await expect(describeStackStatus(STACK_ID, new AbortController().signal)).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(destroyed[1]).toHaveBeenCalledTimes(1);
  });
});
