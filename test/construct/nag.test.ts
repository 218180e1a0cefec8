import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EventStreamLookup, EventStreamState } from '../../src';
import { flattenReference } from '../../src/provider/acknowledgements';
import { acknowledgements as allAcknowledgements, addPacks, describeWithNag } from '../fixtures/nag';
import { ENV } from '../fixtures/stacks';

/**
 * cdk-nag's AwsSolutions pack finds nothing in stacks that use the construct. The only findings
 * it could make, the compacted `event-streams/*` and `domains/*` patterns, are acknowledged by
 * the construct itself with the reason; everything else is fixed, not acknowledged.
 */

function nagged(build: (stack: Stack) => void, env: typeof ENV | 'agnostic' = ENV): { app: App; stack: Stack } {
  const app = new App({ context: { [EventStreamLookup.REFRESH_CONTEXT_KEY]: 'nag' } });
  const stack = new Stack(app, 'Consumer', { env: env === 'agnostic' ? undefined : env });
  build(stack);
  addPacks(app, ['AwsSolutions']);
  return { app, stack };
}

function lookups(stack: Stack, count: number, domains: number): void {
  for (let i = 0; i < count; i++) {
    new EventStreamLookup(stack, `L${i}`, { domainName: `domain-${i % domains}`, eventStreamName: `stream-${i}` });
  }
}

/** The AwsSolutions acknowledgements recorded in the tree, as id -> reason (compliance.test.ts checks the others). */
function acknowledgements(app: App): Record<string, string> {
  return Object.fromEntries(Object.entries(allAcknowledgements(app)).filter(([id]) => id.startsWith('AwsSolutions::')));
}

describeWithNag('AwsSolutions finds nothing', () => {
  test.each([
    ['a plain lookup', (s: Stack) => new EventStreamLookup(s, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' })],
    ['gated and waiting lookups', (s: Stack) => {
      new EventStreamLookup(s, 'Orders', {
        domainName: 'retail-profiles',
        eventStreamName: 'orders',
        requiredState: EventStreamState.RUNNING,
        requireHealthyDestination: true,
        waitTimeout: Duration.minutes(10),
        refreshOnEveryDeployment: true,
      });
      new EventStreamLookup(s, 'Archive', { domainName: 'retail-profiles', eventStreamName: 'archive', failIfMissing: false });
    }],
    ['a cross-account lookup with roleArn', (s: Stack) => new EventStreamLookup(s, 'Partner', {
      domainName: 'partner-profiles',
      eventStreamName: 'orders',
      roleArn: 'arn:aws:iam::210987654321:role/ProfilesReader',
      externalId: 'consumer-stack',
    })],
    ['a cross-region lookup', (s: Stack) => new EventStreamLookup(s, 'Europe', { domainName: 'eu-profiles', eventStreamName: 'orders', region: 'eu-west-1' })],
  ])('%s, and acknowledges nothing', (_, build) => {
    const { app } = nagged(build);
    expect(() => app.synth()).not.toThrow();
    expect(acknowledgements(app)).toEqual({});
  });

  test.each([
    [1, 'event streams of a domain'],
    [8, 'event streams of a domain'],
    [400, 'domains of this account and region'],
  ])('400 lookups over %i domains: only the compacted patterns are acknowledged, with the reason', (domains, why) => {
    const { app } = nagged((s) => lookups(s, 400, domains));
    expect(() => app.synth()).not.toThrow();
    const acks = acknowledgements(app);
    expect(Object.keys(acks).length).toBeGreaterThan(0);
    for (const [id, reason] of Object.entries(acks)) {
      expect(id).toMatch(/^AwsSolutions::AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:profile:us-east-1:123456789012:domains\/(domain-\d+\/event-streams\/)?\*\]$/);
      expect(reason).toContain(why);
      expect(reason).toContain('10,240');
    }
  });

  test('an environment-agnostic stack: the patterns are named with their tokens', () => {
    const { app } = nagged((s) => lookups(s, 400, 400), 'agnostic');
    expect(() => app.synth()).not.toThrow();
    expect(Object.keys(acknowledgements(app))).toEqual([
      'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:profile:<AWS::Region>:<AWS::AccountId>:domains/*]',
    ]);
  });

  test('the check is live: a wildcard of the stack itself is still reported', () => {
    const { app } = nagged((s) => {
      lookups(s, 400, 1);
      const role = new iam.Role(s, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['profile:GetEventStream'], resources: ['*'] }));
    });
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });
});

describe('flattenReference names resources as cdk-nag does', () => {
  test.each([
    ['arn:aws:profile:us-east-1:1:domains/*', 'arn:aws:profile:us-east-1:1:domains/*'],
    [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':profile:', { Ref: 'Region' }, ':1:domains/*']] }, 'arn:<AWS::Partition>:profile:<Region>:1:domains/*'],
    [{ 'Fn::ImportValue': 'x' }, '{"Fn::ImportValue":"x"}'],
  ])('%j', (value, expected) => {
    expect(flattenReference(value)).toBe(expected);
  });
});
