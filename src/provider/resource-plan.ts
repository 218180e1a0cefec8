import { Tokenization } from 'aws-cdk-lib';

/**
 * Least-privilege resources for `profile:GetEventStream`, compacted so that the provider's one
 * inline policy stays under IAM's 10,240-character limit however many lookups share it.
 *
 * The rule, applied in order until the policy fits:
 * 1. exact ARNs: every looked-up domain and every looked-up event stream;
 * 2. per domain, busiest domains first: `domains/NAME/event-streams/*` instead of that domain's
 *    stream ARNs (the domain ARN itself stays exact);
 * 3. per region: `domains/*` of this account and region.
 * `Resource: "*"` is never produced.
 */

/** One stream that a lookup reads. Strings may be CDK tokens. */
export interface StreamTarget {
  readonly region: string;
  readonly domainName: string;
  readonly eventStreamName: string;
}

/** How resources were compacted. */
export type CompactionLevel = 'exact' | 'domain' | 'region';

/** The outcome: ARNs to grant and the level of compaction that made them fit. */
export interface ResourcePlan {
  readonly arns: string[];
  readonly level: CompactionLevel;
}

/** Builds an ARN and estimates its resolved length. */
export interface ArnFactory {
  /** `arn:PARTITION:profile:REGION:ACCOUNT:RESOURCE` for this stack. */
  arn(region: string, resource: string): string;
  /** Length of that ARN once CloudFormation resolves it (an upper bound for tokens). */
  length(region: string, resource: string): number;
}

/** Characters one resource costs inside the policy: the ARN, its quotes and a comma. */
const PER_RESOURCE_OVERHEAD = 3;

/**
 * Upper bound for the resolved length of a string: its literal characters, plus `maxPerToken`
 * for each token in it (the longest value such a token can take).
 */
export function estimateLength(value: string, maxPerToken: number): number {
  const placeholder = 'x'.repeat(maxPerToken);
  const rendered = Tokenization.reverseString(value)
    .mapTokens({ mapToken: () => placeholder })
    .join({ join: (left, right) => `${left}${right}` });
  return String(rendered).length;
}

interface Candidate {
  readonly region: string;
  readonly resource: string;
}

/** Plans the resources of the GetEventStream statement within `budget` characters. */
export function planResources(targets: StreamTarget[], arns: ArnFactory, budget: number): ResourcePlan {
  const unique = dedupe(targets);
  const cost = (list: Candidate[]) =>
    list.reduce((sum, c) => sum + arns.length(c.region, c.resource) + PER_RESOURCE_OVERHEAD, 0);
  const render = (list: Candidate[], level: CompactionLevel): ResourcePlan => ({
    arns: dedupeStrings(list.map((c) => arns.arn(c.region, c.resource))),
    level,
  });

  // 1. Exact ARNs.
  const groups = groupByDomain(unique);
  const byDomain = new Map<string, Candidate[]>();
  for (const [key, group] of groups) {
    byDomain.set(key, [
      domainCandidate(group[0]),
      ...group.map((t) => ({ region: t.region, resource: `domains/${t.domainName}/event-streams/${t.eventStreamName}` })),
    ]);
  }
  const flatten = () => [...byDomain.values()].flat();
  if (cost(flatten()) <= budget) {
    return render(flatten(), 'exact');
  }

  // 2. Per-domain stream patterns, busiest domains first (ties by key, so the plan is stable).
  // (sort() orders the keys by code unit; the second, by size, is stable: ties keep that order)
  const busiest = [...groups.keys()].sort().map((key) => [key, groups.get(key)!] as const).sort((a, b) => b[1].length - a[1].length);
  for (const [key, group] of busiest) {
    byDomain.set(key, [
      domainCandidate(group[0]),
      { region: group[0].region, resource: `domains/${group[0].domainName}/event-streams/*` },
    ]);
    if (cost(flatten()) <= budget) {
      return render(flatten(), 'domain');
    }
  }

  // 3. One pattern per region.
  const regions = dedupeStrings(unique.map((t) => t.region));
  const perRegion = regions.map((region) => ({ region, resource: 'domains/*' }));
  if (cost(perRegion) <= budget) {
    return render(perRegion, 'region');
  }
  throw new Error(
    `EventStreamLookup: the lookups of this stack span ${regions.length} regions, too many for one IAM policy; split them over several stacks.`,
  );
}

function domainCandidate(t: StreamTarget): Candidate {
  return { region: t.region, resource: `domains/${t.domainName}` };
}

function dedupe(targets: StreamTarget[]): StreamTarget[] {
  const seen = new Map<string, StreamTarget>();
  for (const t of targets) {
    seen.set(JSON.stringify([t.region, t.domainName, t.eventStreamName]), t);
  }
  return [...seen.values()];
}

function groupByDomain(targets: StreamTarget[]): Map<string, StreamTarget[]> {
  const groups = new Map<string, StreamTarget[]>();
  for (const t of targets) {
    const key = JSON.stringify([t.region, t.domainName]);
    const group = groups.get(key);
    if (group) {
      group.push(t);
    } else {
      groups.set(key, [t]);
    }
  }
  return groups;
}

function dedupeStrings(values: string[]): string[] {
  return [...new Set(values)];
}
