import { CfnParameter } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventStreamLookup } from '../../src';
import { estimateLength, planResources, StreamTarget } from '../../src/permissions';
import { testStack } from '../fixtures/stacks';

const arns = {
  arn: (region: string, resource: string) => `arn:aws:profile:${region}:123456789012:${resource}`,
  length: (region: string, resource: string) => `arn:aws:profile:${region}:123456789012:${resource}`.length,
};
const targets = (domains: number, streams: number): StreamTarget[] =>
  Array.from({ length: domains * streams }, (_, i) => ({
    region: 'us-east-1',
    domainName: `domain-${Math.floor(i / streams)}`,
    eventStreamName: `stream-${i % streams}`,
  }));

describe('planResources', () => {
  test('exact ARNs while they fit, deduplicated', () => {
    const plan = planResources([...targets(1, 2), ...targets(1, 2)], arns, 10_000);
    expect(plan).toEqual({
      level: 'exact',
      arns: [
        'arn:aws:profile:us-east-1:123456789012:domains/domain-0',
        'arn:aws:profile:us-east-1:123456789012:domains/domain-0/event-streams/stream-0',
        'arn:aws:profile:us-east-1:123456789012:domains/domain-0/event-streams/stream-1',
      ],
    });
  });

  test('then per-domain stream patterns, busiest domain first, others stay exact', () => {
    const list = [...targets(1, 40), { region: 'us-east-1', domainName: 'small', eventStreamName: 'only' }];
    const plan = planResources(list, arns, 1_000);
    expect(plan.level).toBe('domain');
    expect(plan.arns).toEqual([
      'arn:aws:profile:us-east-1:123456789012:domains/domain-0',
      'arn:aws:profile:us-east-1:123456789012:domains/domain-0/event-streams/*',
      'arn:aws:profile:us-east-1:123456789012:domains/small',
      'arn:aws:profile:us-east-1:123456789012:domains/small/event-streams/only',
    ]);
  });

  test('then one pattern per region, never "*"', () => {
    const plan = planResources(targets(200, 2), arns, 2_000);
    expect(plan).toEqual({ level: 'region', arns: ['arn:aws:profile:us-east-1:123456789012:domains/*'] });
  });

  test('fails clearly when even that cannot fit', () => {
    expect(() => planResources(targets(1, 1), arns, 10)).toThrow('too many for one IAM policy');
  });

  test('estimates tokens at their longest value', () => {
    const stack = testStack();
    const token = new CfnParameter(stack, 'P').valueAsString;
    expect(estimateLength(`domains/${token}`, 64)).toBe('domains/'.length + 64);
    expect(estimateLength('plain', 64)).toBe(5);
  });
});

describe('the provider policy', () => {
  const policyChars = (stack: ReturnType<typeof testStack>) => {
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0];
    return JSON.stringify(stack.resolve(policy.Properties.PolicyDocument)).length;
  };

  test('compacts 150 streams of one domain into a domain pattern', () => {
    const stack = testStack();
    for (let i = 0; i < 150; i++) {
      new EventStreamLookup(stack, `L${i}`, { domainName: 'retail-profiles', eventStreamName: `stream-${i}` });
    }
    const statement = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement[1];
    expect(statement.Resource).toHaveLength(2);
    expect(JSON.stringify(statement.Resource[1])).toContain('domains/retail-profiles/event-streams/*');
    expect(policyChars(stack)).toBeLessThan(10_240);
  });

  test('token names count at 64 characters', () => {
    const stack = testStack();
    for (let i = 0; i < 70; i++) {
      new EventStreamLookup(stack, `L${i}`, { domainName: 'd', eventStreamName: new CfnParameter(stack, `S${i}`).valueAsString });
    }
    const statement = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement[1];
    // 70 x (~140-character ARNs at worst) would exceed the budget, so the domain's streams are compacted.
    expect(statement.Resource).toHaveLength(2);
  });
});
