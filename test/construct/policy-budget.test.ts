import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EventStreamLookup, EventStreamLookupProvider } from '../../src';
import { flattenReference } from '../../src/provider/acknowledgements';
import { getEventStreamBudget, planGetEventStream, profileArns } from '../../src/provider/policy';
import { acknowledgements, describeWithNag } from '../fixtures/nag';
import { compactionLevel, getEventStreamResources } from '../fixtures/policy';
import { testApp, testStack } from '../fixtures/stacks';

/**
 * What the provider leaves for the GetEventStream resources of its policy, how it counts an ARN
 * before it is resolved, and the acknowledgement of each compacted pattern.
 */

/** IAM's 10,240 characters for a role's inline policies, less the 1,600 kept for the other statements. */
const BASE_BUDGET = 10_240 - 1_600;

type LookupNames = Partial<{ domainName: string; eventStreamName: string; roleArn: string }>;

function providerOf(stack: Stack, lookups: LookupNames[]): EventStreamLookupProvider {
  lookups.forEach((props, i) => new EventStreamLookup(stack, `L${i}`, { domainName: 'retail-profiles', eventStreamName: `s${i}`, ...props }));
  return EventStreamLookupProvider.of(stack);
}

describe('the GetEventStream budget', () => {
  const none = { assumedRoles: [], statements: [], tracing: false };

  test('is IAM\'s limit less the reserve while the policy holds nothing else', () => {
    expect(getEventStreamBudget(none)).toBe(BASE_BUDGET);
  });

  test('each assumed role costs its ARN and 3 characters (quotes and comma)', () => {
    const reader = 'arn:aws:iam::210987654321:role/ProfilesReader';
    const other = 'arn:aws:iam::210987654321:role/Other';
    expect(getEventStreamBudget({ ...none, assumedRoles: [reader, other] })).toBe(BASE_BUDGET - (reader.length + 3) - (other.length + 3));
  });

  test('a statement added through the role costs its JSON and 1 (the comma); the tracing policy 160', () => {
    const statement = new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['arn:aws:kms:us-east-1:123456789012:key/abc'] }).toStatementJson();
    const statementCost = JSON.stringify(statement).length + 1;
    expect(getEventStreamBudget({ ...none, statements: [statement] })).toBe(BASE_BUDGET - statementCost);
    expect(getEventStreamBudget({ ...none, statements: [statement], tracing: true })).toBe(BASE_BUDGET - statementCost - 160);
  });

  test('the provider counts each assumed role once, the statements added through its role and its tracing policy', () => {
    const reader = 'arn:aws:iam::210987654321:role/ProfilesReader';
    const stack = testStack();
    EventStreamLookupProvider.of(stack).configure({ tracing: lambda.Tracing.ACTIVE });
    // What the provider renders is the planner's answer for exactly what it counts: one role, one statement, tracing.
    providerOf(stack, [{ roleArn: reader }, { roleArn: reader }, ...Array.from({ length: 55 }, () => ({}))]);
    const statement = new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['arn:aws:kms:us-east-1:123456789012:key/abc'] });
    EventStreamLookupProvider.of(stack).role.addToPrincipalPolicy(statement);
    const targets = Array.from({ length: 55 }, (_, i) => ({ region: 'us-east-1', domainName: 'retail-profiles', eventStreamName: `s${i + 2}` }));
    const neighbours = { assumedRoles: [reader], statements: [statement.toStatementJson()], tracing: true };
    const expected = planGetEventStream(targets, profileArns(stack), neighbours);
    const resources = getEventStreamResources(Template.fromStack(stack));
    expect(resources).toEqual(expected.arns.map((arn) => JSON.stringify(stack.resolve(arn))));
  });
});

describe('profile ARNs before they are resolved', () => {
  const agnostic = new Stack(new App(), 'Agnostic');

  test('are in the stack\'s partition and account', () => {
    const { arn } = profileArns(agnostic);
    expect(agnostic.resolve(arn('eu-west-1', 'domains/retail-profiles'))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':profile:eu-west-1:', { Ref: 'AWS::AccountId' }, ':domains/retail-profiles']],
    });
  });

  test('count each token at its longest: partition 10, region 14, account 12, a name 64', () => {
    const { length } = profileArns(agnostic);
    const fixed = 'arn::profile:::'.length;
    expect(length('eu-west-1', 'domains/retail-profiles')).toBe(fixed + 10 + 'eu-west-1'.length + 12 + 'domains/retail-profiles'.length);
    expect(length(agnostic.region, 'domains/d')).toBe(fixed + 10 + 14 + 12 + 'domains/d'.length);
    const domain = new CfnParameter(agnostic, 'Domain').valueAsString;
    expect(length('eu-west-1', `domains/${domain}`)).toBe(fixed + 10 + 'eu-west-1'.length + 12 + 'domains/'.length + 64);
  });

  test('resolved in a stack with account and region, are never longer than counted', () => {
    const stack = testStack();
    const arns = profileArns(stack);
    const resource = `domains/${'d'.repeat(64)}/event-streams/${'s'.repeat(64)}`;
    const resolved = flattenReference(stack.resolve(arns.arn('ap-southeast-5', resource))).replace('<AWS::Partition>', 'aws-us-gov');
    expect(resolved.length).toBeLessThanOrEqual(arns.length('ap-southeast-5', resource));
  });
});

describe('flattenReference names a resolved value as rule packs do', () => {
  test.each([
    ['a string, as it is', 'arn:aws:profile:us-east-1:123456789012:domains/*', 'arn:aws:profile:us-east-1:123456789012:domains/*'],
    ['a Ref, in angle brackets', { Ref: 'AWS::AccountId' }, '<AWS::AccountId>'],
    ['a join, joined with its separator', { 'Fn::Join': ['/', ['a', { Ref: 'B' }, { 'Fn::Join': ['-', ['c', 'd']] }]] }, 'a/<B>/c-d'],
    ['anything else, as JSON', { 'Fn::GetAtt': ['Role', 'Arn'] }, '{"Fn::GetAtt":["Role","Arn"]}'],
  ])('%s', (_, value, expected) => {
    expect(flattenReference(value)).toBe(expected);
  });
});

describeWithNag('compacted patterns', () => {
  /** The AwsSolutions-IAM5 acknowledgements of the app, once synthesized. */
  function wildcardAcknowledgements(lookups: Array<{ domainName: string; eventStreamName: string }>) {
    const app = testApp();
    const stack = testStack(app);
    providerOf(stack, lookups);
    app.synth();
    const acks = Object.entries(acknowledgements(app)).filter(([id]) => id.startsWith('AwsSolutions::AwsSolutions-IAM5'));
    return { level: compactionLevel(Template.fromStack(stack)), acks: Object.fromEntries(acks) };
  }
  const long = (prefix: string, i: number) => `${prefix}${i}`.padEnd(64, 'x');

  test('exact ARNs need no acknowledgement', () => {
    expect(wildcardAcknowledgements([{ domainName: 'retail-profiles', eventStreamName: 'orders' }])).toEqual({ level: 'exact', acks: {} });
  });

  test('event-streams/* of a domain is acknowledged with why', () => {
    const lookups = Array.from({ length: 60 }, (_, i) => ({ domainName: 'retail-profiles', eventStreamName: long('stream', i) }));
    const { level, acks } = wildcardAcknowledgements(lookups);
    expect(level).toBe('domain');
    expect(Object.keys(acks)).toEqual([
      'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:profile:us-east-1:123456789012:domains/retail-profiles/event-streams/*]',
    ]);
    expect(Object.values(acks)[0]).toContain('the event streams of a domain: the exact ARNs of this stack\'s lookups would pass IAM\'s 10,240-character role policy limit');
  });

  test('domains/* of the account and region is acknowledged with why', () => {
    const lookups = Array.from({ length: 60 }, (_, i) => ({ domainName: long('domain', i), eventStreamName: 'orders' }));
    const { level, acks } = wildcardAcknowledgements(lookups);
    expect(level).toBe('region');
    expect(Object.keys(acks)).toEqual([
      'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:profile:us-east-1:123456789012:domains/*]',
    ]);
    expect(Object.values(acks)[0]).toContain('the domains of this account and region: even per-domain patterns would pass');
  });
});
