import { unique } from './streams';
import { getEventStreamBudget } from '../provider/policy';
import { ArnFactory, planResources, ResourcePlan } from '../provider/resource-plan';
import { WatchPlan } from '../wire/watch';

/**
 * The watch's IAM policy, planned without constructs: its log group, ListEventStreams on each domain
 * of its own account with more than one watched stream (one call reads them all), GetEventStream on
 * the other streams of its own account, AssumeRole on the roles that read other accounts' streams.
 */
export interface WatchPolicyPlan {
  /** The policy's statements, in order. */
  readonly statements: unknown[];
  /** The GetEventStream resources, listed or compacted to patterns to fit the policy budget. */
  readonly getEventStream: ResourcePlan;
}

/** Plans the policy of a watch whose check writes to `logGroupArn`. */
export function planWatchPolicy(plan: WatchPlan, arns: ArnFactory, logGroupArn: string, tracing: boolean): WatchPolicyPlan {
  const ownAccount = plan.groups.filter((g) => g.roleArn === undefined);
  const listed = ownAccount.filter((g) => g.eventStreamNames.length > 1);
  const listStatement = listed.length === 0 ? undefined : {
    Effect: 'Allow',
    Action: 'profile:ListEventStreams',
    Resource: unique(listed.map((g) => arns.arn(g.region, `domains/${g.domainName}`))),
  };
  const roles = unique(plan.groups.flatMap((g) => (g.roleArn === undefined ? [] : [g.roleArn])));
  const getEventStream = planResources(
    ownAccount.flatMap((g) => g.eventStreamNames.map((eventStreamName) => ({ region: g.region, domainName: g.domainName, eventStreamName }))),
    arns,
    getEventStreamBudget({ assumedRoles: roles, statements: listStatement ? [listStatement] : [], tracing }),
  );
  const statements: unknown[] = [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroupArn }];
  if (listStatement) {
    statements.push(listStatement);
  }
  if (getEventStream.arns.length > 0) {
    statements.push({ Effect: 'Allow', Action: 'profile:GetEventStream', Resource: getEventStream.arns });
  }
  if (roles.length > 0) {
    statements.push({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roles });
  }
  return { statements, getEventStream };
}
