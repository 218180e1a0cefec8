import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { AccessDeniedException, BadRequestException, CustomerProfilesClient, ListEventStreamsCommand, ResourceNotFoundException, ThrottlingException } from '@aws-sdk/client-customer-profiles';
import { CustomerProfilesStandIn } from '../../tools/stand-ins/customer-profiles';
import { TEST_CREDENTIALS } from '../../tools/stand-ins/sigv4';
import { BOTOCORE, describeWithTool } from '../fixtures/optional-tools';

/** ListEventStreams on the stand-in, read by the real SDK client, and its shapes against botocore's model. */

let standIn: CustomerProfilesStandIn;
const client = () => new CustomerProfilesClient({ region: 'us-east-1', endpoint: standIn.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
const list = (DomainName: string, extra: { MaxResults?: number; NextToken?: string } = {}) =>
  client().send(new ListEventStreamsCommand({ DomainName, ...extra }));
const kinesis = (name: string) => `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`;

beforeAll(async () => {
  standIn = await CustomerProfilesStandIn.start();
  standIn.putStream('retail', 'orders', {
    createdAt: new Date('2026-03-02T09:30:00Z'), state: 'RUNNING', destination: { uri: kinesis('orders'), status: 'HEALTHY' }, tags: { team: 'retail' },
  });
  standIn.putStream('retail', 'returns', {
    createdAt: new Date('2026-05-20T14:00:00Z'),
    state: 'STOPPED',
    stoppedSince: new Date('2026-11-30T08:00:00Z'),
    destination: { uri: kinesis('returns'), status: 'UNHEALTHY', unhealthySince: new Date('2026-11-30T07:55:00Z'), message: 'not in a summary' },
  });
  standIn.putStream('retail', 'audit', { createdAt: new Date('2026-01-01T00:00:00Z'), state: 'RUNNING', destination: { uri: kinesis('audit'), status: 'HEALTHY' } });
  standIn.addDomain('empty');
});
afterAll(async () => standIn.stop());

test('every stream of the domain as an EventStreamSummary, parsed by the SDK', async () => {
  const page = await list('retail');
  expect(page.NextToken).toBeUndefined();
  expect(page.Items).toEqual([
    {
      DomainName: 'retail',
      EventStreamName: 'audit',
      EventStreamArn: standIn.arnOf('retail', 'audit'),
      State: 'RUNNING',
      DestinationSummary: { Uri: kinesis('audit'), Status: 'HEALTHY' },
    },
    {
      DomainName: 'retail',
      EventStreamName: 'orders',
      EventStreamArn: standIn.arnOf('retail', 'orders'),
      State: 'RUNNING',
      DestinationSummary: { Uri: kinesis('orders'), Status: 'HEALTHY' },
      Tags: { team: 'retail' },
    },
    {
      DomainName: 'retail',
      EventStreamName: 'returns',
      EventStreamArn: standIn.arnOf('retail', 'returns'),
      State: 'STOPPED',
      StoppedSince: new Date('2026-11-30T08:00:00Z'),
      DestinationSummary: { Uri: kinesis('returns'), Status: 'UNHEALTHY', UnhealthySince: new Date('2026-11-30T07:55:00Z') },
    },
  ]);
  expect(standIn.listRequestsFor('retail')[0]).toMatchObject({ method: 'GET', path: '/domains/retail/event-streams' });
});

test('pages of MaxResults, with a NextToken while more remain', async () => {
  const first = await list('retail', { MaxResults: 2 });
  expect(first.Items!.map((i) => i.EventStreamName)).toEqual(['audit', 'orders']);
  const second = await list('retail', { MaxResults: 2, NextToken: first.NextToken });
  expect(second.Items!.map((i) => i.EventStreamName)).toEqual(['returns']);
  expect(second.NextToken).toBeUndefined();
  expect((await list('empty')).Items).toEqual([]);
});

test('errors: unknown domain 404, bad token 400, the account\'s rate limit 429, scripted answers', async () => {
  await expect(list('nowhere')).rejects.toBeInstanceOf(ResourceNotFoundException);
  await expect(list('retail', { NextToken: 'bm90LWEtc3RyZWFt' })).rejects.toBeInstanceOf(BadRequestException);
  standIn.scriptList('retail', { kind: 'error', type: 'ThrottlingException' });
  await expect(list('retail')).rejects.toBeInstanceOf(ThrottlingException);
  expect((await list('retail')).Items).toHaveLength(3);
  let now = 0;
  standIn.rateLimit({ requestsPerSecond: 1, burst: 1 }, () => now);
  await list('retail');
  await expect(list('retail')).rejects.toBeInstanceOf(ThrottlingException);
  now = 1000;
  await expect(list('retail')).resolves.toBeDefined();
  standIn.rateLimit(undefined);
});

test('authorizes profile:ListEventStreams on the domain\'s ARN (its one resource type): GetEventStream alone is not enough', async () => {
  const roleArn = 'arn:aws:iam::123456789012:role/reader';
  const allow = (Action: string, Resource: string) => ({ name: Action, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] } });
  const trustPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  standIn.iam.defineRole({ arn: roleArn, trustPolicy, policies: [allow('profile:GetEventStream', '*')] });
  const { credentials } = standIn.iam.sessionFor(roleArn, 'watch');
  const asRole = new CustomerProfilesClient({ region: 'us-east-1', endpoint: standIn.endpoint, credentials, maxAttempts: 1 });
  const denied = asRole.send(new ListEventStreamsCommand({ DomainName: 'retail' }));
  await expect(denied).rejects.toBeInstanceOf(AccessDeniedException);
  await expect(denied).rejects.toThrow(/not authorized to perform: profile:ListEventStreams on resource: arn:aws:profile:us-east-1:123456789012:domains\/retail\b/);
  expect(standIn.listRequestsFor('retail').at(-1)).toMatchObject({ accessKeyId: credentials.accessKeyId, denied: expect.stringContaining('profile:ListEventStreams') });

  standIn.iam.defineRole({ arn: roleArn, trustPolicy, policies: [allow('profile:ListEventStreams', 'arn:aws:profile:us-east-1:123456789012:domains/retail')] });
  expect((await asRole.send(new ListEventStreamsCommand({ DomainName: 'retail' }))).Items).toHaveLength(3);
  await expect(asRole.send(new ListEventStreamsCommand({ DomainName: 'empty' }))).rejects.toBeInstanceOf(AccessDeniedException);
});

describeWithTool(BOTOCORE, 'against botocore\'s model', () => {
  test('the operation\'s route, and a summary has only members of EventStreamSummary and DestinationSummary', async () => {
    const dir = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8' }).trim();
    const model = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'data/customer-profiles/2020-08-15/service-2.json.gz'))).toString('utf8'));
    const op = model.operations.ListEventStreams;
    expect(op.http).toEqual({ method: 'GET', requestUri: '/domains/{DomainName}/event-streams' });
    expect(Object.values<any>(model.shapes.ListEventStreamsRequest.members).map((m) => m.locationName)).toEqual(['DomainName', 'next-token', 'max-results']);
    expect(op.errors.map((e: any) => e.shape).sort()).toEqual(['AccessDeniedException', 'BadRequestException', 'InternalServerException', 'ResourceNotFoundException', 'ThrottlingException']);
    const raw = await fetch(`${standIn.endpoint}/domains/retail/event-streams`).catch(() => undefined);
    expect(raw?.status).toBe(403); // unsigned: refused, as the service does
    const page = await list('retail');
    const summary = Object.keys(model.shapes.EventStreamSummary.members);
    const destination = Object.keys(model.shapes.DestinationSummary.members);
    for (const item of page.Items!) {
      expect(Object.keys(item).filter((k) => !summary.includes(k))).toEqual([]);
      expect(Object.keys(item.DestinationSummary!).filter((k) => !destination.includes(k))).toEqual([]);
      for (const required of model.shapes.EventStreamSummary.required) {
        expect(item).toHaveProperty(required);
      }
    }
  });
});
