import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EventStreamLookup, EventStreamLookupProvider } from '../../src';
import { RehearsalEnvironment } from '../../tools/rehearsal/environment';
import { rehearse } from '../../tools/rehearsal/rehearse';
import { ACCOUNT, DOMAIN, REGION } from '../fixtures/scenarios';

/**
 * The rehearsal of a stack whose provider is configured as a regulated team configures it (VPC,
 * KMS-encrypted log group, tracing, reserved concurrency, memory, name): the same handler answers
 * Create, Update and Delete once each. (The rehearsal models the function, not the network: that
 * the VPC routes reach the services is the user's part, see the README.)
 */

jest.setTimeout(120_000);

test('a VPC-configured provider: Create, Update and Delete succeed', async () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-configured-'));
  const env = await RehearsalEnvironment.start({ account: ACCOUNT, region: REGION });
  try {
    const app = new App({ outdir, context: { [EventStreamLookup.REFRESH_CONTEXT_KEY]: 'configured' } });
    const stack = new Stack(app, 'Configured', { env: { account: ACCOUNT, region: REGION } });
    EventStreamLookupProvider.of(stack).configure({
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: [`${REGION}a`],
        privateSubnetIds: ['subnet-0123456789abcdef0'],
      }),
      logEncryptionKey: new kms.Key(stack, 'LogsKey', { enableKeyRotation: true }),
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: 5,
      memorySize: 512,
      functionName: 'event-stream-lookups',
    });
    new EventStreamLookup(stack, 'Lookup', { domainName: DOMAIN, eventStreamName: 'plain' });
    env.profiles.putStream(DOMAIN, 'plain', {
      createdAt: new Date('2026-02-01T12:00:00Z'),
      state: 'RUNNING',
      destination: { uri: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/plain`, status: 'HEALTHY' },
    });
    const report = await rehearse(app.synth(), env, { stacks: ['Configured'] });
    expect(report.steps.map((s) => `${s.requestType}:${s.status}:${s.responses}`)).toEqual(['Create:SUCCESS:1', 'Update:SUCCESS:1', 'Delete:SUCCESS:1']);
    expect(report.steps[0].data).toMatchObject({ State: 'RUNNING', Exists: 'true' });
  } finally {
    await env.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
