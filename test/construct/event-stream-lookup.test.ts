import { CfnOutput, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EventStreamLookup, EventStreamState } from '../../src';
import { ENV, testApp, testStack } from '../fixtures/stacks';

const TYPE = 'Custom::EventStreamLookup';

describe('the custom resource', () => {
  test('carries the names and nothing else by default', () => {
    const stack = testStack();
    new EventStreamLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
    const template = Template.fromStack(stack);
    template.resourceCountIs(TYPE, 1);
    template.hasResource(TYPE, {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventStreamLookupProviderHandler'), 'Arn'] },
        ServiceTimeout: '90',
        DomainName: 'retail-profiles',
        EventStreamName: 'orders',
        Region: Match.absent(),
        RoleArn: Match.absent(),
        RequiredState: Match.absent(),
        RequireHealthyDestination: Match.absent(),
        WaitTimeoutSeconds: Match.absent(),
        FailIfMissing: Match.absent(),
        RefreshToken: Match.absent(),
      },
      DependsOn: [Match.stringLikeRegexp('^EventStreamLookupProviderPolicy')],
      // CloudFormation's default (Delete) applies: rendering it would only cost template bytes.
      DeletionPolicy: Match.absent(),
      UpdateReplacePolicy: Match.absent(),
    });
    expect(Object.keys(template.toJSON().Resources.OrdersA9B65338)).toEqual(['Type', 'Properties', 'DependsOn']);
  });

  test('carries every option as a string property', () => {
    const stack = testStack();
    new EventStreamLookup(stack, 'Orders', {
      domainName: 'retail-profiles',
      eventStreamName: 'orders',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::210987654321:role/ProfilesReader',
      externalId: 'ext-id-1',
      requiredState: EventStreamState.RUNNING,
      requireHealthyDestination: true,
      waitTimeout: Duration.minutes(5),
      failIfMissing: false,
      refreshOnEveryDeployment: true,
    });
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      DomainName: 'retail-profiles',
      EventStreamName: 'orders',
      Region: 'eu-west-1',
      RoleArn: 'arn:aws:iam::210987654321:role/ProfilesReader',
      ExternalId: 'ext-id-1',
      RequiredState: 'RUNNING',
      RequireHealthyDestination: 'true',
      WaitTimeoutSeconds: '300',
      FailIfMissing: 'false',
      RefreshToken: 'test-refresh-token',
      ServiceTimeout: '390',
    });
  });

  test('accepts tokens for the names', () => {
    const stack = testStack();
    const domain = new CfnParameter(stack, 'Domain');
    new EventStreamLookup(stack, 'Orders', { domainName: domain.valueAsString, eventStreamName: 'orders' });
    Template.fromStack(stack).hasResourceProperties(TYPE, { DomainName: { Ref: 'Domain' } });
  });

  test('attributes are Fn::GetAtt on the custom resource, with the documented names', () => {
    const stack = testStack();
    const lookup = new EventStreamLookup(stack, 'Orders', { domainName: 'd', eventStreamName: 's' });
    const attributes = {
      EventStreamArn: lookup.eventStreamArn,
      Uri: lookup.destinationUri,
      State: lookup.state,
      DestinationStatus: lookup.destinationStatus,
      DestinationMessage: lookup.destinationMessage,
      CreatedAt: lookup.createdAt,
      StoppedSince: lookup.stoppedSince,
      UnhealthySince: lookup.unhealthySince,
      Exists: lookup.exists,
    };
    for (const [name, value] of Object.entries(attributes)) {
      expect(stack.resolve(value)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Orders/), name] });
    }
  });
});

describe('one provider per stack', () => {
  test('three lookups share one function, one role and one policy', () => {
    const stack = testStack();
    for (const name of ['orders', 'returns', 'carts']) {
      new EventStreamLookup(stack, name, { domainName: 'retail-profiles', eventStreamName: name });
    }
    const template = Template.fromStack(stack);
    template.resourceCountIs(TYPE, 3);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  test('each stack gets its own provider', () => {
    const app = testApp();
    const a = testStack(app, 'A');
    const b = testStack(app, 'B');
    new EventStreamLookup(a, 'L', { domainName: 'd', eventStreamName: 's' });
    new EventStreamLookup(b, 'L', { domainName: 'd', eventStreamName: 's' });
    Template.fromStack(a).resourceCountIs('AWS::Lambda::Function', 1);
    Template.fromStack(b).resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('the function runs on Node.js 24 with a log group of finite retention', () => {
    const stack = testStack();
    new EventStreamLookup(stack, 'L', { domainName: 'd', eventStreamName: 's' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Timeout: 60,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^EventStreamLookupProviderLogs') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('the function timeout covers the longest wait; each lookup bounds CloudFormation by its own', () => {
    const stack = testStack();
    new EventStreamLookup(stack, 'Short', { domainName: 'd', eventStreamName: 'a' });
    new EventStreamLookup(stack, 'Long', { domainName: 'd', eventStreamName: 'b', waitTimeout: Duration.minutes(10) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 600 + 30 + 30 });
    template.hasResourceProperties(TYPE, { EventStreamName: 'a', ServiceTimeout: '90' });
    template.hasResourceProperties(TYPE, { EventStreamName: 'b', ServiceTimeout: '690' });
  });
});

/** The rollback check's one permission: the stack's own ARN (`Ref AWS::StackId`), nothing wider. */
const DESCRIBE_OWN_STACK = { Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } };

describe('IAM', () => {
  test('GetEventStream on the exact domain and stream ARNs, logs on the own log group', () => {
    const stack = testStack();
    new EventStreamLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
    new EventStreamLookup(stack, 'Returns', { domainName: 'retail-profiles', eventStreamName: 'returns' });
    new EventStreamLookup(stack, 'Eu', { domainName: 'eu-profiles', eventStreamName: 'orders', region: 'eu-west-1' });
    const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:profile:${rest}`]] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventStreamLookupProviderLogs'), 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: 'profile:GetEventStream',
            Resource: [
              arn('us-east-1:123456789012:domains/retail-profiles'),
              arn('us-east-1:123456789012:domains/retail-profiles/event-streams/orders'),
              arn('us-east-1:123456789012:domains/retail-profiles/event-streams/returns'),
              arn('eu-west-1:123456789012:domains/eu-profiles'),
              arn('eu-west-1:123456789012:domains/eu-profiles/event-streams/orders'),
            ],
          },
          DESCRIBE_OWN_STACK,
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^EventStreamLookupProviderRole') }],
    });
  });

  test('a role lookup grants sts:AssumeRole on exactly that role and no GetEventStream', () => {
    const stack = testStack();
    const roleArn = 'arn:aws:iam::210987654321:role/ProfilesReader';
    new EventStreamLookup(stack, 'Remote', { domainName: 'd', eventStreamName: 's', roleArn });
    new EventStreamLookup(stack, 'Remote2', { domainName: 'd', eventStreamName: 't', roleArn });
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [roleArn] },
      DESCRIBE_OWN_STACK,
    ]);
  });

  test('a rollback can be told apart: DescribeStacks on exactly the own stack, with the function\'s own role even for role lookups', () => {
    const stack = testStack();
    new EventStreamLookup(stack, 'Remote', { domainName: 'd', eventStreamName: 's', roleArn: 'arn:aws:iam::210987654321:role/ProfilesReader' });
    const statements: any[] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(statements.filter((s) => JSON.stringify(s).includes('cloudformation:'))).toEqual([DESCRIBE_OWN_STACK]);
  });

  test('never grants Resource "*", and the role has no managed policies', () => {
    const stack = testStack();
    new EventStreamLookup(stack, 'L', { domainName: 'd', eventStreamName: 's' });
    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(json).not.toMatch(/"Resource":"\*"/);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('the custom resource depends on the policy, so Delete still has permissions', () => {
    const stack = testStack();
    new EventStreamLookup(stack, 'L', { domainName: 'd', eventStreamName: 's' });
    const template = Template.fromStack(stack);
    const policyId = Object.keys(template.findResources('AWS::IAM::Policy'))[0];
    template.hasResource(TYPE, { DependsOn: Match.arrayWith([policyId]) });
  });
});

describe('cross-stack use', () => {
  test('a reference from another stack becomes an Export / Fn::ImportValue pair', () => {
    const app = testApp();
    const producer = testStack(app, 'Producer');
    const consumer = new Stack(app, 'Consumer', { env: ENV });
    const orders = new EventStreamLookup(producer, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
    new CfnOutput(consumer, 'StreamArn', { value: orders.eventStreamArn });
    orders.destinationStream.grantRead(new iam.Role(consumer, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));

    const exports = Template.fromStack(producer).findOutputs('*', { Export: Match.anyValue() });
    const exported = Object.values(exports).map((o) => o.Value['Fn::GetAtt'][1]).sort();
    expect(exported).toEqual(['EventStreamArn', 'Uri']);

    const consumerTemplate = Template.fromStack(consumer);
    consumerTemplate.hasOutput('StreamArn', { Value: { 'Fn::ImportValue': Match.stringLikeRegexp('^Producer:ExportsOutputFnGetAttOrders.*EventStreamArn') } });
    consumerTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['kinesis:GetRecords']), Resource: { 'Fn::ImportValue': Match.stringLikeRegexp('Uri') } }),
        ]),
      },
    });
    consumerTemplate.resourceCountIs('AWS::Lambda::Function', 0);
  });
});
