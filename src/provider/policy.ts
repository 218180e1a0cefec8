import { ArnFormat, Stack } from 'aws-cdk-lib';
import { ArnFactory, estimateLength, planResources, ResourcePlan, StreamTarget } from './resource-plan';

/**
 * The provider's one inline policy, rendered from what the stack's lookups need: pure functions of
 * their inputs, so the rendering and its size budget are tested directly.
 */

/** IAM's limit for all inline policies of one role, whitespace excluded. */
export const ROLE_POLICY_LIMIT = 10_240;
/**
 * Room kept for everything but the GetEventStream resources: the log statement, the DescribeStacks
 * statement on the stack's own ARN (a 128-character stack name at most), keys, the version.
 */
export const POLICY_RESERVE = 1_600;
/** Resolved length, whitespace excluded, of the tracing policy (name and document). */
export const TRACING_POLICY_LENGTH = 160;

/** What else shares the role's policy size with the GetEventStream resources. */
export interface PolicyNeighbours {
  /** Roles that cross-account lookups assume (each once). */
  readonly assumedRoles: readonly string[];
  /** Statements added through the provider's role, as JSON. */
  readonly statements: readonly unknown[];
  /** Whether the tracing policy exists. */
  readonly tracing: boolean;
}

/** Everything the policy document is rendered from. */
export interface PolicyInputs extends PolicyNeighbours {
  /** The function's log group. */
  readonly logGroupArn: string;
  /** The stack's own ARN, for the rollback check's `DescribeStacks`. */
  readonly stackId: string;
  /** The GetEventStream resources, already planned. */
  readonly plan: ResourcePlan;
}

/**
 * Characters left for the GetEventStream resources: IAM's limit less the reserve, each assumed
 * role's ARN (with its quotes and comma), the statements added through the role, the tracing policy.
 */
export function getEventStreamBudget(neighbours: PolicyNeighbours): number {
  const rolesCost = neighbours.assumedRoles.reduce((sum, arn) => sum + estimateLength(arn, 2048) + 3, 0);
  const statementsCost = neighbours.statements.reduce<number>((sum, statement) => sum + estimateLength(JSON.stringify(statement), 256) + 1, 0);
  return ROLE_POLICY_LIMIT - POLICY_RESERVE - rolesCost - statementsCost - (neighbours.tracing ? TRACING_POLICY_LENGTH : 0);
}

/** The GetEventStream resources for the own-account lookups, compacted to fit next to the neighbours. */
export function planGetEventStream(targets: StreamTarget[], arns: ArnFactory, neighbours: PolicyNeighbours): ResourcePlan {
  return planResources(targets, arns, getEventStreamBudget(neighbours));
}

/** The policy document. */
export function renderPolicyDocument(inputs: PolicyInputs): unknown {
  const statements: unknown[] = [
    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: inputs.logGroupArn },
  ];
  if (inputs.plan.arns.length > 0) {
    statements.push({ Effect: 'Allow', Action: 'profile:GetEventStream', Resource: inputs.plan.arns });
  }
  if (inputs.assumedRoles.length > 0) {
    statements.push({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [...inputs.assumedRoles] });
  }
  // An Update that would fail or wait asks for its own stack's status, so a rollback never gates
  // (lambda/rollback.ts); the function's own credentials, on exactly this stack.
  statements.push({ Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: inputs.stackId });
  statements.push(...inputs.statements);
  return { Version: '2012-10-17', Statement: statements };
}

/** Customer Profiles ARNs of the stack's partition and account, and their length at most once resolved. */
export function profileArns(stack: Stack): ArnFactory {
  return {
    arn: (region, resource) =>
      stack.formatArn({ service: 'profile', region, resource, arnFormat: ArnFormat.NO_RESOURCE_NAME }),
    // arn:PARTITION:profile:REGION:ACCOUNT:RESOURCE, tokens counted at their longest value
    // (aws-us-gov, ap-southeast-5, 12 digits, 64-character names).
    length: (region, resource) =>
      'arn::profile:::'.length +
      estimateLength(stack.partition, 10) +
      estimateLength(region, 14) +
      estimateLength(stack.account, 12) +
      estimateLength(resource, 64),
  };
}
