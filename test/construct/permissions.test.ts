import { CfnParameter } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventStreamLookup } from '../../src';
import { estimateLength, planResources, StreamTarget } from '../../src/provider/resource-plan';
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

  /** What a plan costs in the policy: each ARN, its quotes and a comma. */
  const costOf = (list: string[]) => list.reduce((sum, arn) => sum + arn.length + 3, 0);
  const arn = (region: string, resource: string) => arns.arn(region, resource);

  test('exact while the exact ARNs fit to the character; one character less compacts', () => {
    const exact = planResources(targets(1, 3), arns, 100_000).arns;
    expect(planResources(targets(1, 3), arns, costOf(exact))).toEqual({ level: 'exact', arns: exact });
    expect(planResources(targets(1, 3), arns, costOf(exact) - 1).level).toBe('domain');
  });

  test('the busiest domain is compacted first, and only as many domains as needed', () => {
    const list = [...targets(1, 2), ...targets(2, 3).filter((t) => t.domainName === 'domain-1')];
    const exact = planResources(list, arns, 100_000).arns;
    // Compacting domain-1 (3 streams) saves two ARNs' worth; that is enough.
    const compacted = [
      arn('us-east-1', 'domains/domain-0'),
      arn('us-east-1', 'domains/domain-0/event-streams/stream-0'),
      arn('us-east-1', 'domains/domain-0/event-streams/stream-1'),
      arn('us-east-1', 'domains/domain-1'),
      arn('us-east-1', 'domains/domain-1/event-streams/*'),
    ];
    expect(costOf(compacted)).toBeLessThan(costOf(exact));
    expect(planResources(list, arns, costOf(compacted))).toEqual({ level: 'domain', arns: compacted });
  });

  test('equally busy domains are compacted in the order of their names, so the plan is stable', () => {
    const list = [
      { region: 'us-east-1', domainName: 'b', eventStreamName: 's1' },
      { region: 'us-east-1', domainName: 'b', eventStreamName: 's2' },
      { region: 'us-east-1', domainName: 'a', eventStreamName: 's1' },
      { region: 'us-east-1', domainName: 'a', eventStreamName: 's2' },
    ];
    const first = [
      arn('us-east-1', 'domains/b'),
      arn('us-east-1', 'domains/b/event-streams/s1'),
      arn('us-east-1', 'domains/b/event-streams/s2'),
      arn('us-east-1', 'domains/a'),
      arn('us-east-1', 'domains/a/event-streams/*'),
    ];
    expect(planResources(list, arns, costOf(first)).arns).toEqual(first);
    expect(planResources([...list].reverse(), arns, costOf(first)).arns).toEqual(
      [first[3], first[4], first[0], first[2], first[1]],
    );
  });

  test('the same names in two regions are two domains and two streams, never merged', () => {
    const list = ['us-east-1', 'eu-west-1'].map((region) => ({ region, domainName: 'd', eventStreamName: 's' }));
    expect(planResources(list, arns, 100_000).arns).toEqual([
      arn('us-east-1', 'domains/d'),
      arn('us-east-1', 'domains/d/event-streams/s'),
      arn('eu-west-1', 'domains/d'),
      arn('eu-west-1', 'domains/d/event-streams/s'),
    ]);
  });

  test('one pattern per region while it fits to the character; then a clear error naming the regions', () => {
    const list = ['us-east-1', 'eu-west-1'].flatMap((region) => targets(5, 5).map((t) => ({ ...t, region })));
    const perRegion = [arn('us-east-1', 'domains/*'), arn('eu-west-1', 'domains/*')];
    expect(planResources(list, arns, costOf(perRegion))).toEqual({ level: 'region', arns: perRegion });
    expect(() => planResources(list, arns, costOf(perRegion) - 1)).toThrow(
      'EventStreamLookup: the lookups of this stack span 2 regions, too many for one IAM policy; split them over several stacks.',
    );
  });

  test('estimates tokens at their longest value', () => {
    const stack = testStack();
    const token = new CfnParameter(stack, 'P').valueAsString;
    expect(estimateLength(`domains/${token}`, 64)).toBe('domains/'.length + 64);
    expect(estimateLength(`${token}/${token}`, 10)).toBe(21);
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
