import { LIMITS, lookupTarget, measure, resolveIntrinsics, synthScale, templateBytes } from '../../tools/bench/scale';

/**
 * 400 lookups in one stack deploy: within CloudFormation's and IAM's limits, with one function,
 * least privilege, and a fraction of AwsCustomResource's template per lookup.
 */

const ACCOUNT_ARN = 'arn:aws-us-gov:profile:us-east-1:123456789012:';

/** The resolved Resource list of the GetEventStream statement. */
function getEventStreamResources(template: Record<string, any>): string[] {
  const policies = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
  expect(policies).toHaveLength(1);
  const document = resolveIntrinsics(policies[0].Properties.PolicyDocument, template.Resources, 'us-east-1') as any;
  const statements = document.Statement.filter((s: any) => s.Action === 'profile:GetEventStream');
  expect(statements).toHaveLength(1);
  return statements[0].Resource;
}

function expectDeployable(template: Record<string, any>): void {
  const figures = measure(template);
  expect(figures.resources).toBeLessThanOrEqual(LIMITS.resources);
  expect(figures.templateBytes).toBeLessThan(LIMITS.templateBytes);
  expect(figures.largestRolePolicyChars).toBeLessThan(LIMITS.rolePolicyChars);
  expect(figures.functions).toBe(1);
  expect(figures.roles).toBe(1);
  expect(JSON.stringify(template)).not.toMatch(/"Resource":"\*"|"Resource":\["\*"/);
}

describe('400 lookups in one stack', () => {
  test('one domain: deployable, the domain compacted to event-streams/*', () => {
    const { template } = synthScale('EventStreamLookup', 400, 1);
    expectDeployable(template);
    expect(measure(template).resources).toBe(404);
    expect(getEventStreamResources(template)).toEqual([
      `${ACCOUNT_ARN}domains/retail-profiles-000`,
      `${ACCOUNT_ARN}domains/retail-profiles-000/event-streams/*`,
    ]);
  });

  test('8 domains: deployable, domains compacted one by one until the policy fits', () => {
    const { template } = synthScale('EventStreamLookup', 400, 8);
    expectDeployable(template);
    const resources = getEventStreamResources(template);
    const compacted = resources.filter((r) => r.endsWith('/event-streams/*'));
    expect(compacted.length).toBeGreaterThan(0);
    expect(compacted.length).toBeLessThan(8); // the rest stay exact
    for (let i = 0; i < 400; i++) {
      const { domainName, eventStreamName } = lookupTarget(i, 8);
      // Every lookup is covered: its domain exactly, its stream exactly or by its domain's pattern.
      expect(resources).toContain(`${ACCOUNT_ARN}domains/${domainName}`);
      const exact = `${ACCOUNT_ARN}domains/${domainName}/event-streams/${eventStreamName}`;
      const pattern = `${ACCOUNT_ARN}domains/${domainName}/event-streams/*`;
      expect(resources.includes(exact) !== resources.includes(pattern)).toBe(true);
    }
    expect(resources.filter((r) => r.includes('*') && !r.endsWith('/event-streams/*'))).toEqual([]);
  });

  test('400 domains: deployable, the region compacted to domains/* of the account', () => {
    const { template } = synthScale('EventStreamLookup', 400, 400);
    expectDeployable(template);
    expect(getEventStreamResources(template)).toEqual([`${ACCOUNT_ARN}domains/*`]);
  });

  test('exact ARNs while they fit: 40 lookups over 4 domains', () => {
    const { template } = synthScale('EventStreamLookup', 40, 4);
    expectDeployable(template);
    const resources = getEventStreamResources(template);
    expect(resources).toHaveLength(44);
    expect(resources.filter((r) => r.includes('*'))).toEqual([]);
    expect(resources).toContain(`${ACCOUNT_ARN}domains/retail-profiles-003/event-streams/stream-039`);
  });

  test('compaction keeps the policy under the limit at every size', () => {
    for (const count of [50, 80, 90, 100, 120, 200]) {
      const { template } = synthScale('EventStreamLookup', count, 3);
      expect(measure(template).largestRolePolicyChars).toBeLessThan(LIMITS.rolePolicyChars);
    }
  });
});

describe('against AwsCustomResource, for the same lookups', () => {
  // Marginal bytes of one more lookup, between 10 and 20 lookups (exact ARNs: our worst case).
  const perLookup = (kind: 'EventStreamLookup' | 'AwsCustomResource') =>
    (templateBytes(synthScale(kind, 20, 2).template) - templateBytes(synthScale(kind, 10, 2).template)) / 10;

  test('template bytes per lookup are at most 0.4x', () => {
    const ours = perLookup('EventStreamLookup');
    const theirs = perLookup('AwsCustomResource');
    expect(theirs).toBeGreaterThan(1000); // the measurement is of the real thing
    expect(ours / theirs).toBeLessThanOrEqual(0.4);
  });

  test('at 400 lookups AwsCustomResource breaks the limits this construct keeps', () => {
    const theirs = measure(synthScale('AwsCustomResource', 400, 1).template);
    const ours = measure(synthScale('EventStreamLookup', 400, 1).template);
    expect(theirs.resources).toBeGreaterThan(LIMITS.resources);
    expect(theirs.largestRolePolicyChars).toBeGreaterThan(LIMITS.rolePolicyChars);
    expect(ours.templateBytes / theirs.templateBytes).toBeLessThanOrEqual(0.4);
  });
});
