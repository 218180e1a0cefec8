import { IConstruct } from 'constructs';
import { acknowledge, COMPLIANCE_RULES, ComplianceRule, findingIds, PACKS } from '../provider/acknowledgements';

/**
 * The rule-pack findings the watch acknowledges on its own resources, with their reasons; the ones
 * the provider's configuration fixes (VPC, log key, tracing) are acknowledged only when not configured.
 */

const { hipaa, nist, serverless } = PACKS;

export const WATCH_RULES = {
  deadLetterQueue: {
    rule: 'LambdaDLQ',
    packs: [hipaa, nist, serverless],
    reason:
      'EventBridge invokes the watch function on a schedule and it keeps no state: a failed check is what the watch\'s check alarm reports (the function\'s Errors), and the next check reads every stream afresh, so a failed event replayed from a dead-letter queue would only publish stale metrics.',
  },
  concurrency: {
    rule: 'LambdaConcurrency',
    packs: [hipaa, nist],
    reason:
      'The watch function runs once per interval and its timeout never exceeds the interval, so checks do not pile up; a reservation would take from the account\'s pool, and Lambda refuses any that leaves under 100 unreserved executions (new accounts have 10 in all).',
  },
  inlinePolicy: {
    rule: 'IAMNoInlinePolicy',
    packs: COMPLIANCE_RULES.inlinePolicy.packs,
    reason:
      'The watch role\'s permissions are one inline policy on purpose: they belong to this role alone (ListEventStreams and GetEventStream on exactly the watched domains and streams, AssumeRole on exactly their roles) and are deleted with it; a customer-managed policy would be a second resource that other roles could attach.',
  },
  eventBusDeadLetterQueue: {
    rule: 'EventBusDLQ',
    packs: [serverless],
    reason:
      'A scheduled event that EventBridge cannot deliver is a check that did not run, which the watch\'s check alarm reports (the function\'s Errors, missing data breaching); a copy kept in a dead-letter queue could only replay a stale check.',
  },
  asyncFailureDestination: {
    rule: 'LambdaAsyncFailureDestination',
    packs: [serverless],
    reason:
      'A failed check is reported by the watch\'s check alarm (the function\'s Errors) and explained in the function\'s log, and the next check runs on schedule; a failure destination would only duplicate the alarm.',
  },
  insideVpc: {
    rule: 'LambdaInsideVPC',
    packs: COMPLIANCE_RULES.insideVpc.packs,
    reason:
      'The watch function runs outside a VPC because none is configured on the stack\'s EventStreamLookupProvider, which it follows: it only calls Customer Profiles and STS over HTTPS. Fixed by EventStreamLookupProvider.of(stack).configure({ vpc }) before the watch is created.',
  },
  tracing: {
    rule: 'LambdaTracing',
    packs: COMPLIANCE_RULES.tracing.packs,
    reason:
      'X-Ray tracing is off because the stack\'s EventStreamLookupProvider, which the watch follows, has it off: it adds cost and xray:PutTraceSegments, an action without resource-level permissions. Fixed by configure({ tracing: lambda.Tracing.ACTIVE }) before the watch is created.',
  },
  logGroupEncrypted: {
    rule: 'CloudWatchLogGroupEncrypted',
    packs: COMPLIANCE_RULES.logGroupEncrypted.packs,
    reason:
      'The watch function\'s log group uses CloudWatch Logs\' default encryption because the stack\'s EventStreamLookupProvider, which the watch follows, has no key: it holds stream names, states and metric values, never credentials. Fixed by configure({ logEncryptionKey }) or configure({ logGroup }) before the watch is created.',
  },
} satisfies Record<string, ComplianceRule>;

/** The watch's resources, and what the provider's configuration set. */
export interface WatchParts {
  readonly fn: IConstruct;
  /** The function's asynchronous invocation settings (no retries). */
  readonly invokeConfig: IConstruct;
  /** The schedule. */
  readonly rule: IConstruct;
  readonly policy: IConstruct;
  readonly role: IConstruct;
  readonly ownLogGroup?: IConstruct;
  readonly tracingPolicy?: IConstruct;
  readonly inVpc: boolean;
  readonly logsEncrypted: boolean;
}

export function acknowledgeWatchCompliance(parts: WatchParts): void {
  const unfixed: Array<[IConstruct, ComplianceRule]> = [
    [parts.fn, WATCH_RULES.deadLetterQueue],
    [parts.fn, WATCH_RULES.concurrency],
    [parts.policy, WATCH_RULES.inlinePolicy],
    [parts.rule, WATCH_RULES.eventBusDeadLetterQueue],
    [parts.invokeConfig, WATCH_RULES.asyncFailureDestination],
  ];
  if (parts.tracingPolicy) {
    unfixed.push([parts.tracingPolicy, WATCH_RULES.inlinePolicy]);
    acknowledge(parts.tracingPolicy, 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing is configured on EventStreamLookupProvider: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so their own policy grants them on "*" (and nothing else).');
  } else {
    unfixed.push([parts.fn, WATCH_RULES.tracing]);
  }
  if (!parts.inVpc) {
    unfixed.push([parts.fn, WATCH_RULES.insideVpc]);
  } else {
    acknowledge(parts.role, 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'The watch function runs in the VPC configured on EventStreamLookupProvider: Lambda needs ec2:CreateNetworkInterface, DescribeNetworkInterfaces and DeleteNetworkInterface, which it does not accept scoped to resources; AWSLambdaVPCAccessExecutionRole is the AWS managed policy that grants exactly those (and log writing).');
  }
  if (parts.ownLogGroup && !parts.logsEncrypted) {
    unfixed.push([parts.ownLogGroup, WATCH_RULES.logGroupEncrypted]);
  }
  for (const [resource, rule] of unfixed) {
    for (const id of findingIds(rule)) {
      acknowledge(resource, id, rule.reason);
    }
  }
}
