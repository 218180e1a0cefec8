import { App, Stack } from 'aws-cdk-lib';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EventStreamLookup, EventStreamLookupProvider, EventStreamLookupProviderProps, EventStreamWatch } from '../../src';
import { COMPLIANCE_RULES, findingIds } from '../../src/provider/acknowledgements';
import { WATCH_RULES } from '../../src/watch/acknowledgements';
import { acknowledgedPaths, acknowledgements, addPacks, describeWithNag, PACK_NAMES } from '../fixtures/nag';
import { addRepresentativeLookups, testApp, testStack } from '../fixtures/stacks';

/**
 * The five cdk-nag packs (AwsSolutions, HIPAA, NIST 800-53 R5, PCI DSS 3.2.1, Serverless) on stacks
 * of lookups. Any unacknowledged finding makes `app.synth()` throw, so a synth that passes proves
 * that every finding is fixed or acknowledged; the acknowledgements are then checked one by one.
 */

const PROVIDER = 'Consumer/EventStreamLookupProvider';

function nagged(configure?: (stack: Stack) => EventStreamLookupProviderProps): App {
  const app = testApp();
  const stack = testStack(app);
  if (configure) {
    EventStreamLookupProvider.of(stack).configure(configure(stack));
  }
  addRepresentativeLookups(stack);
  addPacks(app, PACK_NAMES);
  return app;
}

/** An existing VPC and a key of the app's own, as a regulated team has them. */
function enterprise(stack: Stack): EventStreamLookupProviderProps {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  });
  const key = new kms.Key(stack, 'LogsKey', { enableKeyRotation: true });
  return { vpc, logEncryptionKey: key, tracing: lambda.Tracing.ACTIVE, reservedConcurrentExecutions: 20 };
}

describeWithNag('compliance packs', () => {
  test('default stack: every finding is acknowledged on exactly its resource, with a reason that names the fixing option', () => {
    const app = nagged();
    expect(() => app.synth()).not.toThrow();
    const fixable = [COMPLIANCE_RULES.insideVpc, COMPLIANCE_RULES.concurrency, COMPLIANCE_RULES.tracing];
    expect(acknowledgedPaths(app)).toEqual({
      [`${PROVIDER}/Handler/Resource`]: [
        ...findingIds(COMPLIANCE_RULES.deadLetterQueue),
        ...fixable.flatMap(findingIds),
      ],
      [`${PROVIDER}/Policy`]: findingIds(COMPLIANCE_RULES.inlinePolicy),
      [`${PROVIDER}/Logs/Resource`]: findingIds(COMPLIANCE_RULES.logGroupEncrypted),
    });
    const acks = acknowledgements(app);
    expect(acks['HIPAA.Security::HIPAA.Security-LambdaInsideVPC']).toContain('configure({ vpc })');
    expect(acks['NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency']).toContain('configure({ reservedConcurrentExecutions })');
    expect(acks['Serverless::Serverless-LambdaTracing']).toContain('tracing: lambda.Tracing.ACTIVE');
    expect(acks['PCI.DSS.321::PCI.DSS.321-CloudWatchLogGroupEncrypted']).toContain('logEncryptionKey');
    expect(acks['Serverless::Serverless-LambdaDLQ']).toContain('asynchronously');
    expect(acks['HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy']).toMatch(/10,240.*6,144/);
    for (const reason of Object.values(acks)) {
      expect(reason.length).toBeGreaterThan(80);
    }
  });

  test('configured stack (VPC, KMS log group, tracing, reserved concurrency): nothing it configured is acknowledged', () => {
    const app = nagged(enterprise);
    expect(() => app.synth()).not.toThrow();
    expect(acknowledgedPaths(app)).toEqual({
      [`${PROVIDER}/Handler/Resource`]: findingIds(COMPLIANCE_RULES.deadLetterQueue),
      [`${PROVIDER}/Policy`]: findingIds(COMPLIANCE_RULES.inlinePolicy),
      // Consequences of the configuration, each the narrowest id: X-Ray's actions have no resource
      // scoping, and Lambda's VPC permissions are the AWS managed policy.
      [`${PROVIDER}/TracingPolicy`]: ['AwsSolutions::AwsSolutions-IAM5[Resource::*]', ...findingIds(COMPLIANCE_RULES.inlinePolicy)],
      [`${PROVIDER}/Role/Resource`]: [
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      ],
    });
  });

  test('a log group of your own is yours to judge: its finding is reported, not acknowledged', () => {
    const app = nagged((stack) => ({ logGroup: new logs.LogGroup(stack, 'MyLogs', { retention: logs.RetentionDays.ONE_YEAR }) }));
    expect(() => app.synth()).toThrow(/CloudWatchLogGroupEncrypted[\s\S]*Consumer\/MyLogs\/Resource/);
  });

  test('the packs are live: without the acknowledgements the default stack fails', () => {
    const app = testApp();
    const stack = testStack(app);
    addRepresentativeLookups(stack);
    // A second function like the provider's, acknowledged by nobody.
    new lambda.Function(stack, 'Plain', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=1') });
    addPacks(app, ['Serverless']);
    expect(() => app.synth()).toThrow(/Serverless-LambdaDLQ[\s\S]*Consumer\/Plain/);
  });

  describe('a watch of the lookups', () => {
    const WATCH = 'Consumer/Watch';
    function watched(configure?: (stack: Stack) => EventStreamLookupProviderProps, withActions = true): App {
      const app = testApp();
      const stack = testStack(app);
      if (configure) {
        EventStreamLookupProvider.of(stack).configure(configure(stack));
      }
      const orders = addRepresentativeLookups(stack);
      const partner = stack.node.findChild('Partner') as EventStreamLookup;
      const europe = stack.node.findChild('Europe') as EventStreamLookup;
      const watch = new EventStreamWatch(stack, 'Watch', { streams: [orders, partner, europe] });
      if (withActions) {
        watch.addAlarmAction(new cw_actions.SnsAction(sns.Topic.fromTopicArn(stack, 'Alerts', 'arn:aws:sns:us-east-1:123456789012:alerts')));
      }
      addPacks(app, PACK_NAMES);
      return app;
    }

    test('default stack: the watch\'s findings are acknowledged on exactly its resources, with true reasons', () => {
      const app = watched();
      expect(() => app.synth()).not.toThrow();
      const paths = acknowledgedPaths(app);
      expect(paths[`${WATCH}/Check/Resource`]).toEqual([
        ...findingIds(WATCH_RULES.deadLetterQueue), ...findingIds(WATCH_RULES.concurrency),
        ...findingIds(WATCH_RULES.tracing), ...findingIds(WATCH_RULES.insideVpc),
      ]);
      expect(paths[`${WATCH}/Policy`]).toEqual(findingIds(WATCH_RULES.inlinePolicy));
      expect(paths[`${WATCH}/Logs/Resource`]).toEqual(findingIds(WATCH_RULES.logGroupEncrypted));
      expect(paths[`${WATCH}/Schedule/Resource`]).toEqual(findingIds(WATCH_RULES.eventBusDeadLetterQueue));
      expect(paths[`${WATCH}/Check/EventInvokeConfig/Resource`]).toEqual(findingIds(WATCH_RULES.asyncFailureDestination));
      expect(Object.keys(paths).filter((p) => p.startsWith(WATCH)).sort()).toEqual([
        `${WATCH}/Check/EventInvokeConfig/Resource`, `${WATCH}/Check/Resource`, `${WATCH}/Logs/Resource`, `${WATCH}/Policy`, `${WATCH}/Schedule/Resource`,
      ]);
      const acks = acknowledgements(app);
      expect(acks['Serverless::Serverless-LambdaDLQ']).toBeDefined();
      for (const rule of Object.values(WATCH_RULES)) {
        expect(rule.reason.length).toBeGreaterThan(80);
      }
    });

    test('alarms that notify no one are reported, not acknowledged: their actions are the user\'s to add', () => {
      expect(() => watched(undefined, false).synth()).toThrow(/CloudWatchAlarmAction[\s\S]*Consumer\/Watch\/StoppedAlarm/);
    });

    test('configured stack: what the provider\'s configuration fixes is fixed for the watch too', () => {
      const app = watched(enterprise);
      expect(() => app.synth()).not.toThrow();
      const paths = acknowledgedPaths(app);
      expect(paths[`${WATCH}/Check/Resource`]).toEqual([...findingIds(WATCH_RULES.deadLetterQueue), ...findingIds(WATCH_RULES.concurrency)]);
      expect(paths[`${WATCH}/TracingPolicy`]).toEqual(['AwsSolutions::AwsSolutions-IAM5[Resource::*]', ...findingIds(WATCH_RULES.inlinePolicy)]);
      expect(paths[`${WATCH}/Role/Resource`]).toEqual([
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      ]);
      expect(paths[`${WATCH}/Logs/Resource`]).toBeUndefined();
    });
  });
});
