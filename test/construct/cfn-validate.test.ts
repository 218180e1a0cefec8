import * as fs from 'fs';
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { EventStreamLookupProvider } from '../../src';
import { scaleStack, tempOutdir } from '../../tools/bench/scale';
import { addRepresentativeLookups, ENV, testApp } from '../fixtures/stacks';

/**
 * aws-cdk-lib's built-in CloudFormation validation, its findings as errors (as in a current `cdk
 * init` app, whose cdk.json sets the flag): the other in-process tests synthesize without it
 * (test/fixtures/jest-setup.ts), so it runs here once per process over the representative,
 * configured and scale apps. The examples get it through the CDK CLI in test/examples.test.ts.
 * Releases before it existed (the bottom of the peer range) skip this block, saying so.
 */

const FLAG = (cxapi as Record<string, unknown>).VALIDATE_AGAINST_DEFAULT_RULES as string | undefined;
const STRICT = FLAG ? { [FLAG]: true } : {};

beforeAll(() => {
  delete process.env.CDK_VALIDATION;
});

function representativeApp(): App {
  const app = testApp();
  app.node.setContext(FLAG!, true);
  addRepresentativeLookups(new Stack(app, 'Consumer', { env: ENV }), Duration.minutes(14));
  const configured = new Stack(app, 'Configured', { env: ENV });
  EventStreamLookupProvider.of(configured).configure({
    vpc: ec2.Vpc.fromVpcAttributes(configured, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    }),
    logEncryptionKey: new kms.Key(configured, 'LogsKey', { enableKeyRotation: true }),
    tracing: lambda.Tracing.ACTIVE,
    reservedConcurrentExecutions: 5,
  });
  addRepresentativeLookups(configured);
  return app;
}

if (FLAG) {
  describe('aws-cdk-lib\'s CloudFormation validation, findings as errors', () => {
    test('representative and configured stacks: no finding', () => {
      expect(() => representativeApp().synth()).not.toThrow();
    });

    test.each([
      [120, 120],
      [400, 8],
    ])('%i lookups over %i domains: no finding', (lookups, domains) => {
      const outdir = tempOutdir('esl-cfn-validate-');
      try {
        expect(() => scaleStack('EventStreamLookup', lookups, domains, outdir, STRICT).app.synth()).not.toThrow();
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });

    test('the check is live: a broken resource fails the synth', () => {
      const app = new App({ context: STRICT });
      new CfnResource(new Stack(app, 'Broken', { env: ENV }), 'Bad', { type: 'AWS::Lambda::Function', properties: { Runtime: 'nodejs4.3' } });
      expect(() => app.synth()).toThrow(/'Code' is a required property/);
    });
  });
} else {
  process.stderr.write('\nSKIPPED: aws-cdk-lib\'s CloudFormation validation: this aws-cdk-lib release has none (it came after the bottom of the peer range)\n');
  test.skip('aws-cdk-lib\'s CloudFormation validation [skipped: not in this aws-cdk-lib release]', () => undefined);
}
