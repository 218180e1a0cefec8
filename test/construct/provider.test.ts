import { Aspects, CfnParameter, CfnResource, IAspect, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { EventStreamLookup, EventStreamLookupProvider } from '../../src';
import { acknowledgeWith } from '../../src/provider/acknowledgements';
import { compactionLevel } from '../fixtures/policy';
import { testStack } from '../fixtures/stacks';

/** `EventStreamLookupProvider.of(stack).configure(props)`: each option, the role, and the rules. */

const HANDLER = 'AWS::Lambda::Function';

function addLookup(stack: Stack): EventStreamLookup {
  return new EventStreamLookup(stack, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
}

function stackWithLookup(): Stack {
  const stack = testStack();
  addLookup(stack);
  return stack;
}

function privateVpc(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    publicSubnetIds: ['subnet-0123456789abcdef2', 'subnet-0123456789abcdef3'],
  });
}

/** The provider policy's statements. */
function policyStatements(stack: Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { PolicyName: 'EventStreamLookup' } });
  return Object.values(policies)[0].Properties.PolicyDocument.Statement;
}

describe('defaults', () => {
  test('256 MiB, no VPC, no tracing, no reservation, no name; a log group of 30 days, retained, default encryption', () => {
    const template = Template.fromStack(stackWithLookup());
    template.hasResourceProperties(HANDLER, {
      Runtime: 'nodejs24.x',
      MemorySize: 256,
      VpcConfig: Match.absent(),
      TracingConfig: Match.absent(),
      ReservedConcurrentExecutions: Match.absent(),
      FunctionName: Match.absent(),
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^EventStreamLookupProviderLogs') } },
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30, KmsKeyId: Match.absent() },
      DeletionPolicy: 'Retain',
    });
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  });

  test('the function and its role say what they are; only Lambda may assume the role', () => {
    const template = Template.fromStack(stackWithLookup());
    template.hasResourceProperties(HANDLER, {
      Description: 'EventStreamLookup: answers CloudFormation with the facts of Customer Profiles event streams',
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: 'Runs the EventStreamLookup handler: reads Customer Profiles event streams, writes its own logs.',
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] },
    });
  });

  test('the function\'s role takes no statements (it is referenced by ARN): permissions go through provider.role', () => {
    const stack = stackWithLookup();
    const statement = new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['arn:aws:kms:us-east-1:123456789012:key/abc'] });
    EventStreamLookupProvider.of(stack).function.addToRolePolicy(statement);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 1);
    expect(JSON.stringify(policyStatements(stack))).not.toContain('kms:Decrypt');
  });
});

describe('configure', () => {
  test('applies to the function built for the stack\'s lookups', () => {
    const stack = testStack();
    EventStreamLookupProvider.of(stack).configure({ memorySize: 1024, functionName: 'event-stream-lookups' });
    addLookup(stack);
    new EventStreamLookup(stack, 'Returns', { domainName: 'retail-profiles', eventStreamName: 'returns' });
    const template = Template.fromStack(stack);
    template.resourceCountIs(HANDLER, 1);
    template.hasResourceProperties(HANDLER, {
      MemorySize: 1024,
      FunctionName: 'event-stream-lookups',
      TracingConfig: Match.absent(),
      ReservedConcurrentExecutions: Match.absent(),
      VpcConfig: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Policy', 1);
  });

  test('after the first lookup, it is an error naming the stack, the lookup and where to call it', () => {
    const stack = stackWithLookup();
    expect(() => EventStreamLookupProvider.of(stack).configure({ memorySize: 1024 })).toThrow(
      "EventStreamLookupProvider: configure({ memorySize: 1024 }) comes too late for stack 'Consumer': its function was already built with the default configuration, for the lookup 'Consumer/Orders'. " +
        "Call EventStreamLookupProvider.of(stack).configure(...) before that, ahead of the stack's first EventStreamLookup.",
    );
  });

  test('after a read of the provider\'s role, it is an error naming that read', () => {
    const stack = testStack();
    const provider = EventStreamLookupProvider.of(stack);
    expect(provider.role).toBeDefined();
    expect(() => provider.configure({ memorySize: 1024 })).toThrow(
      "for the first read of the provider's function, role, log group, service token or permissions.",
    );
  });

  test('a provider that nothing uses builds nothing', () => {
    const stack = testStack();
    new CfnResource(stack, 'Other', { type: 'AWS::SQS::Queue' });
    EventStreamLookupProvider.of(stack);
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toEqual(['Other']);
  });

  test('the same configuration twice is fine; two different ones are an error naming both', () => {
    const stack = testStack();
    const provider = EventStreamLookupProvider.of(stack);
    provider.configure({ memorySize: 512, tracing: lambda.Tracing.ACTIVE });
    addLookup(stack);
    expect(() => provider.configure({ tracing: lambda.Tracing.ACTIVE, memorySize: 512 })).not.toThrow();
    expect(() => EventStreamLookupProvider.of(stack).configure({ memorySize: 1024 })).toThrow(
      "EventStreamLookupProvider: the provider of stack 'Consumer' is configured twice, differently: first { memorySize: 512, tracing: \"Active\" }, then { memorySize: 1024 }.",
    );
  });

  test('the error names each configuration\'s values: constructs by path, tokens as such, unset options not at all', () => {
    const stack = testStack();
    const vpc = privateVpc(stack);
    const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Group', 'sg-0123456789abcdef0');
    const other = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Other', 'sg-0123456789abcdef1');
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const memory = new CfnParameter(stack, 'Memory', { type: 'Number' }).valueAsNumber;
    const subnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true };
    const provider = EventStreamLookupProvider.of(stack).configure({
      vpc,
      securityGroups: [group, other],
      vpcSubnets: subnets,
      functionName: name,
      memorySize: memory,
      logRetention: undefined,
    });
    addLookup(stack);
    const same = { vpc, securityGroups: [group, other], vpcSubnets: subnets, functionName: name, memorySize: memory };
    expect(() => provider.configure(same)).not.toThrow();
    expect(() => provider.configure({ functionName: 'lookups' })).toThrow(
      'first { functionName: (token), memorySize: (token), securityGroups: [Consumer/Group, Consumer/Other], vpc: Consumer/Vpc, ' +
        'vpcSubnets: { subnetType: "Private", onePerAz: true } }, then { functionName: "lookups" }.',
    );
  });

  test('VPC: private subnets, an HTTPS-only security group, and the VPC permissions on the role', () => {
    const stack = testStack();
    EventStreamLookupProvider.of(stack).configure({ vpc: privateVpc(stack) });
    addLookup(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties(HANDLER, {
      VpcConfig: {
        SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^EventStreamLookupProviderSecurityGroup'), 'GroupId'] }],
      },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: 'vpc-0123456789abcdef0',
      GroupDescription: 'EventStreamLookup handler: outbound HTTPS only',
      SecurityGroupEgress: [{
        CidrIp: '0.0.0.0/0',
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        Description: 'HTTPS to Customer Profiles, STS, CloudFormation and S3',
      }],
      SecurityGroupIngress: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']] }],
    });
  });

  test('VPC: given subnets and security groups are used as they are', () => {
    const stack = testStack();
    const vpc = privateVpc(stack);
    const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Group', 'sg-0123456789abcdef0');
    EventStreamLookupProvider.of(stack).configure({
      vpc,
      vpcSubnets: { subnets: [vpc.privateSubnets[1]] },
      securityGroups: [group],
    });
    addLookup(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties(HANDLER, { VpcConfig: { SubnetIds: ['subnet-0123456789abcdef1'], SecurityGroupIds: ['sg-0123456789abcdef0'] } });
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  });

  test('VPC: an empty list of security groups gets the provider\'s own', () => {
    const stack = testStack();
    EventStreamLookupProvider.of(stack).configure({ vpc: privateVpc(stack), securityGroups: [] });
    addLookup(stack);
    Template.fromStack(stack).hasResourceProperties(HANDLER, {
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^EventStreamLookupProviderSecurityGroup'), 'GroupId'] }] },
    });
  });

  test.each([
    ['public subnets', (s: Stack) => ({ vpc: privateVpc(s), vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }), /vpcSubnets selects public subnets/],
    ['one public subnet among private ones', (s: Stack) => {
      const vpc = privateVpc(s);
      return { vpc, vpcSubnets: { subnets: [vpc.privateSubnets[0], vpc.publicSubnets[0]] } };
    }, /vpcSubnets selects public subnets/],
    ['a log group and a removal policy', (s: Stack) => ({ logGroup: new logs.LogGroup(s, 'Mine'), logRemovalPolicy: RemovalPolicy.DESTROY }), /logGroup excludes/],
    ['a log group and a key', (s: Stack) => ({ logGroup: new logs.LogGroup(s, 'Mine'), logEncryptionKey: new kms.Key(s, 'K') }), /logGroup excludes/],
    ['10241 MiB', () => ({ memorySize: 10_241 }), /memorySize is 10241, expected/],
    ['a fraction of a MiB', () => ({ memorySize: 128.5 }), /memorySize is 128.5, expected/],
    ['a fractional reservation', () => ({ reservedConcurrentExecutions: 1.5 }), /reservedConcurrentExecutions is 1.5/],
    ['a 65-character function name', () => ({ functionName: 'f'.repeat(65) }), /functionName "f{65}" is not a Lambda function name/],
    ['subnets without a VPC', (s: Stack) => ({ vpcSubnets: { subnets: privateVpc(s).privateSubnets } }), /vpcSubnets and securityGroups need vpc/],
    ['a log group and a retention', (s: Stack) => ({ logGroup: new logs.LogGroup(s, 'Mine'), logRetention: logs.RetentionDays.ONE_DAY }), /logGroup excludes logRetention/],
    ['127 MiB', () => ({ memorySize: 127 }), /memorySize is 127, expected a whole number of MiB from 128 to 10240/],
    ['a reservation of 0', () => ({ reservedConcurrentExecutions: 0 }), /reservedConcurrentExecutions is 0/],
    ['a bad function name', () => ({ functionName: 'no spaces' }), /functionName "no spaces" is not a Lambda function name/],
  ])('refuses %s at synth', (_, props, message) => {
    const stack = testStack();
    expect(() => EventStreamLookupProvider.of(stack).configure(props(stack))).toThrow(message);
  });

  test.each([
    ['the bounds of memory and a reservation of 1', () => ({ memorySize: 128, reservedConcurrentExecutions: 1, functionName: 'f'.repeat(64) })],
    ['10240 MiB', () => ({ memorySize: 10_240 })],
    ['tokens, which CloudFormation checks', (s: Stack) => ({
      memorySize: new CfnParameter(s, 'Memory', { type: 'Number' }).valueAsNumber,
      reservedConcurrentExecutions: new CfnParameter(s, 'Reserved', { type: 'Number' }).valueAsNumber,
      functionName: new CfnParameter(s, 'Name').valueAsString,
    })],
  ])('accepts %s', (_, props) => {
    const stack = testStack();
    expect(() => EventStreamLookupProvider.of(stack).configure(props(stack))).not.toThrow();
  });

  test('a log group of your own replaces the provider\'s, in the function and the policy', () => {
    const stack = testStack();
    const mine = new logs.LogGroup(stack, 'MyLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const provider = EventStreamLookupProvider.of(stack).configure({ logGroup: mine });
    addLookup(stack);
    expect(provider.logGroup).toBe(mine);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties(HANDLER, { LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^MyLogs') } } });
    expect(policyStatements(stack)[0]).toEqual({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MyLogs/), 'Arn'] },
    });
  });

  test('retention, removal policy and KMS key of the provider\'s log group; the key lets CloudWatch Logs use it', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    EventStreamLookupProvider.of(stack).configure({
      logRetention: logs.RetentionDays.ONE_YEAR,
      logRemovalPolicy: RemovalPolicy.DESTROY,
      logEncryptionKey: key,
    });
    addLookup(stack);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
      DeletionPolicy: 'Delete',
      DependsOn: Match.absent(),
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Resource: '*',
          Condition: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']] },
            },
          },
        })]),
      },
    });
  });

  test('infinite retention renders no RetentionInDays', () => {
    const stack = testStack();
    EventStreamLookupProvider.of(stack).configure({ logRetention: logs.RetentionDays.INFINITE });
    addLookup(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.absent() });
  });

  test('tracing and reserved concurrency; X-Ray\'s actions get a policy of their own', () => {
    const stack = testStack();
    EventStreamLookupProvider.of(stack).configure({ tracing: lambda.Tracing.ACTIVE, reservedConcurrentExecutions: 10 });
    addLookup(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties(HANDLER, { TracingConfig: { Mode: 'Active' }, ReservedConcurrentExecutions: 10 });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: 'EventStreamLookupTracing',
      Roles: [{ Ref: Match.stringLikeRegexp('^EventStreamLookupProviderRole') }],
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }] },
    });
    expect(JSON.stringify(policyStatements(stack))).not.toContain('"*"');
  });

  test('tracing DISABLED is the default', () => {
    const stack = testStack();
    EventStreamLookupProvider.of(stack).configure({ tracing: lambda.Tracing.DISABLED });
    addLookup(stack);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 1);
  });
});

describe('the role', () => {
  test('statements added to it land in the provider\'s policy, which the lookups depend on', () => {
    const stack = stackWithLookup();
    const provider = EventStreamLookupProvider.of(stack);
    const result = provider.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['arn:aws:kms:us-east-1:123456789012:key/abc'] }));
    expect(result.statementAdded).toBe(true);
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/def');
    key.grantDecrypt(provider.role);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    expect(policyStatements(stack)).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:123456789012:key/abc' },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:123456789012:key/def' },
    ]));
    template.hasResource('Custom::EventStreamLookup', { DependsOn: [Match.stringLikeRegexp('^EventStreamLookupProviderPolicy')] });
  });

  test('the function depends on no role construct it references (cfn-lint W3005)', () => {
    const stack = stackWithLookup();
    EventStreamLookupProvider.of(stack).role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['arn:aws:kms:us-east-1:123456789012:key/abc'] }));
    Template.fromStack(stack).hasResource(HANDLER, { DependsOn: Match.absent() });
  });

  test('a permissions boundary applied to the stack reaches it', () => {
    const stack = stackWithLookup();
    iam.PermissionsBoundary.of(stack).apply(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'org-boundary'));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      PermissionsBoundary: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:policy/org-boundary']] },
    });
  });

  test('a role path set by an aspect reaches it', () => {
    const stack = stackWithLookup();
    const rolePath: IAspect = {
      visit(node: IConstruct) {
        if (node instanceof iam.CfnRole) {
          node.path = '/lookups/';
        }
      },
    };
    Aspects.of(stack).add(rolePath);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { Path: '/lookups/' });
  });

  test('tags reach the role, the function, the log group and the security group', () => {
    const stack = testStack();
    EventStreamLookupProvider.of(stack).configure({ vpc: privateVpc(stack) });
    addLookup(stack);
    Tags.of(stack).add('cost-center', 'profiles');
    const template = Template.fromStack(stack);
    for (const type of ['AWS::IAM::Role', HANDLER, 'AWS::Logs::LogGroup', 'AWS::EC2::SecurityGroup']) {
      template.hasResourceProperties(type, { Tags: Match.arrayWith([{ Key: 'cost-center', Value: 'profiles' }]) });
    }
  });

  test('the statements count against the policy budget: compaction starts earlier', () => {
    const budgetWith = (extra: number) => {
      const stack = testStack();
      for (let i = 0; i < 80; i++) {
        new EventStreamLookup(stack, `L${i}`, { domainName: 'retail-profiles', eventStreamName: `stream-${i}` });
      }
      const provider = EventStreamLookupProvider.of(stack);
      for (let i = 0; i < extra; i++) {
        provider.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [`arn:aws:kms:us-east-1:123456789012:key/${'k'.repeat(36)}${i}`] }));
      }
      return compactionLevel(Template.fromStack(stack));
    };
    expect(budgetWith(0)).toBe('exact');
    expect(budgetWith(40)).toBe('domain');
  });
});

describe('acknowledgements without Validations (aws-cdk-lib before 2.257)', () => {
  test('are written as cdk-nag 2 metadata on the resource', () => {
    const stack = testStack();
    const resource = new CfnResource(stack, 'R', { type: 'AWS::SQS::Queue' });
    acknowledgeWith(undefined, resource, 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', 'because');
    acknowledgeWith(undefined, resource, 'HIPAA.Security::HIPAA.Security-LambdaDLQ', 'also');
    Template.fromStack(stack).hasResource('AWS::SQS::Queue', {
      Metadata: {
        cdk_nag: {
          rules_to_suppress: [
            { id: 'AwsSolutions-IAM5', reason: 'because', applies_to: ['Resource::*'] },
            { id: 'HIPAA.Security-LambdaDLQ', reason: 'also' },
          ],
        },
      },
    });
  });

  test('on a construct, they go on its CloudFormation resource; with none to carry them (a stack), nothing is written', () => {
    const stack = testStack();
    const queue = new Construct(stack, 'Queue');
    new CfnResource(queue, 'Resource', { type: 'AWS::SQS::Queue' });
    acknowledgeWith(undefined, queue, 'AwsSolutions::AwsSolutions-SQS3', 'no queue of its own');
    const wrapper = new Construct(stack, 'Wrapper');
    new Construct(wrapper, 'Resource');
    expect(() => {
      acknowledgeWith(undefined, stack, 'AwsSolutions::AwsSolutions-SQS3', 'nothing to carry it');
      acknowledgeWith(undefined, wrapper, 'AwsSolutions::AwsSolutions-SQS3', 'nothing to carry it');
    }).not.toThrow();
    const template = Template.fromStack(stack);
    expect(template.findResources('AWS::SQS::Queue')).toEqual({
      [stack.getLogicalId(queue.node.defaultChild as CfnResource)]: {
        Type: 'AWS::SQS::Queue',
        Metadata: { cdk_nag: { rules_to_suppress: [{ id: 'AwsSolutions-SQS3', reason: 'no queue of its own' }] } },
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('nothing to carry it');
  });

  test('an id not of the form Pack::Pack-Rule[finding] is written whole', () => {
    const stack = testStack();
    const resource = new CfnResource(stack, 'R', { type: 'AWS::SQS::Queue' });
    const ids = ['F0007', 'Pack::Pack-Rule[finding]trailing', 'Rule[x]::Other'];
    for (const id of ids) {
      acknowledgeWith(undefined, resource, id, 'why');
    }
    Template.fromStack(stack).hasResource('AWS::SQS::Queue', {
      Metadata: { cdk_nag: { rules_to_suppress: ids.map((id) => ({ id, reason: 'why' })) } },
    });
  });
});
