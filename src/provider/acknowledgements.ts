import * as cdk from 'aws-cdk-lib';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ResourcePlan } from './resource-plan';

/**
 * Acknowledgements of rule-pack findings (cdk-nag) that the construct makes for its own resources,
 * and the compliance rules it knows about: which option fixes each, or why it is acknowledged.
 */

/** What `Validations.of(scope)` offers from aws-cdk-lib 2.257 on (absent in older releases). */
export interface ValidationsApi {
  of(scope: IConstruct): { acknowledge(...rules: Array<{ id: string; reason: string }>): void };
}

/** `Validations` when this aws-cdk-lib has it (feature detection: the peer range starts before it). */
function validationsApi(): ValidationsApi | undefined {
  return (cdk as unknown as { Validations?: ValidationsApi }).Validations;
}

/**
 * Acknowledges a finding, given by its full id (`Pack::Pack-Rule` or `Pack::Pack-Rule[finding]`),
 * on `scope` only. With aws-cdk-lib's `Validations` (cdk-nag 3) it records the acknowledgement;
 * without it (aws-cdk-lib before 2.257, where cdk-nag 2 runs), it writes cdk-nag 2's
 * `cdk_nag.rules_to_suppress` metadata on the scope's CloudFormation resource.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  acknowledgeWith(validationsApi(), scope, id, reason);
}

/** `acknowledge` with the `Validations` API given (`undefined`: as on aws-cdk-lib before 2.257). */
export function acknowledgeWith(validations: ValidationsApi | undefined, scope: IConstruct, id: string, reason: string): void {
  if (validations) {
    validations.of(scope).acknowledge({ id, reason });
    return;
  }
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) {
    return;
  }
  // `Pack::Pack-Rule[finding]` -> id `Pack-Rule`, applies_to `finding`.
  const match = /^[^:[]+::([^[]+)(?:\[(.*)\])?$/.exec(id) ?? [id, id];
  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress ?? [];
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [...existing, { id: match[1], reason, ...(match[2] ? { applies_to: [match[2]] } : {}) }],
  });
}

/** Rule packs of cdk-nag, by the name that prefixes their finding ids. */
export const PACKS = {
  awsSolutions: 'AwsSolutions',
  hipaa: 'HIPAA.Security',
  nist: 'NIST.800.53.R5',
  pci: 'PCI.DSS.321',
  serverless: 'Serverless',
} as const;

/** A rule that several packs report on the provider's resources. */
export interface ComplianceRule {
  /** The rule's name, without its pack prefix. */
  readonly rule: string;
  /** The packs that report it. */
  readonly packs: readonly string[];
  /** Why the construct acknowledges it when its configuration does not fix it. */
  readonly reason: string;
}

/** Full finding ids of a rule, one per pack. */
export function findingIds(rule: ComplianceRule): string[] {
  return rule.packs.map((pack) => `${pack}::${pack}-${rule.rule}`);
}

const { hipaa, nist, pci, serverless } = PACKS;

/** The rules the packs report on the shared function, its log group and its policy, with their reasons. */
export const COMPLIANCE_RULES = {
  insideVpc: {
    rule: 'LambdaInsideVPC',
    packs: [hipaa, nist, pci],
    reason:
      'The lookup function runs outside a VPC because no vpc was configured: it only calls Customer Profiles, STS, CloudFormation and the S3 response URL over HTTPS. Fixed by EventStreamLookupProvider.of(stack).configure({ vpc }).',
  },
  logGroupEncrypted: {
    rule: 'CloudWatchLogGroupEncrypted',
    packs: [hipaa, nist, pci],
    reason:
      'The lookup function\'s log group uses CloudWatch Logs\' default encryption because no key was configured; it holds request ids, stream names and errors, never credentials. Fixed by configure({ logEncryptionKey }) or configure({ logGroup }) with your own encrypted log group.',
  },
  concurrency: {
    rule: 'LambdaConcurrency',
    packs: [hipaa, nist],
    reason:
      'The lookup function reserves no concurrency by default: a reservation takes from the account\'s pool, and Lambda refuses any that leaves under 100 unreserved (new accounts have 10 in all). Fixed by configure({ reservedConcurrentExecutions }).',
  },
  tracing: {
    rule: 'LambdaTracing',
    packs: [serverless],
    reason:
      'X-Ray tracing is off by default: it adds cost and xray:PutTraceSegments, an action without resource-level permissions. Fixed by configure({ tracing: lambda.Tracing.ACTIVE }).',
  },
  deadLetterQueue: {
    rule: 'LambdaDLQ',
    packs: [hipaa, nist, serverless],
    reason:
      'CloudFormation invokes the lookup function asynchronously and the handler answers CloudFormation itself on every path (FAILED on any error, before its own timeout), so no event needs replaying; an event that never runs (a crash, or throttled past its maximum age) is ended by the lookup\'s ServiceTimeout, and a copy in a dead-letter queue could not answer CloudFormation any more.',
  },
  inlinePolicy: {
    rule: 'IAMNoInlinePolicy',
    packs: [hipaa, nist, pci],
    reason:
      'The lookup role\'s permissions are one inline policy on purpose: it belongs to this role alone and is deleted with it, and a role\'s inline policies hold 10,240 characters where a customer-managed policy holds 6,144, so exact ARNs (about 100 lookups of short names) would fit for about 45% fewer lookups before being compacted to wildcards.',
  },
} satisfies Record<string, ComplianceRule>;

/** The AWS managed policy that lets Lambda manage a function's network interfaces in a VPC. */
export const VPC_MANAGED_POLICY = 'AWSLambdaVPCAccessExecutionRole';
const VPC_MANAGED_POLICY_REASON =
  'The lookup function runs in the VPC configured for it: Lambda needs ec2:CreateNetworkInterface, DescribeNetworkInterfaces and DeleteNetworkInterface at creation, which it does not accept scoped to resources; AWSLambdaVPCAccessExecutionRole is the AWS managed policy that grants exactly those (and log writing).';
const TRACING_WILDCARD_REASON =
  'X-Ray tracing is configured: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so their own policy grants them on "*" (and nothing else).';

/**
 * Acknowledges each compacted pattern of the GetEventStream statement (cdk-nag's AwsSolutions-IAM5
 * flags every wildcard resource): the patterns are the documented way to stay under IAM's size limit.
 */
export function acknowledgePatterns(policy: IConstruct, plan: ResourcePlan): void {
  const stack = Stack.of(policy);
  const patterns = plan.arns.map((arn) => flattenReference(stack.resolve(arn))).filter((name) => name.includes('*'));
  const reason = plan.level === 'domain'
    ? 'profile:GetEventStream on the event streams of a domain: the exact ARNs of this stack\'s lookups would pass IAM\'s 10,240-character role policy limit (the domain ARN stays exact).'
    : 'profile:GetEventStream on the domains of this account and region: even per-domain patterns would pass IAM\'s 10,240-character role policy limit.';
  for (const pattern of patterns) {
    acknowledge(policy, `AwsSolutions::AwsSolutions-IAM5[Resource::${pattern}]`, reason);
  }
}

/** The provider's resources as built, and which options the configuration set. */
export interface ProviderParts {
  readonly fn: IConstruct;
  readonly policy: IConstruct;
  readonly role: IConstruct;
  /** The provider's own log group; absent when the user gave one. */
  readonly ownLogGroup?: IConstruct;
  readonly tracingPolicy?: IConstruct;
  readonly inVpc: boolean;
  readonly reservesConcurrency: boolean;
  readonly logsEncrypted: boolean;
}

/** Acknowledges, on exactly the resource concerned, each compliance rule the configuration leaves unfixed. */
export function acknowledgeCompliance(parts: ProviderParts): void {
  const unfixed: Array<[IConstruct, ComplianceRule]> = [
    [parts.fn, COMPLIANCE_RULES.deadLetterQueue],
    [parts.policy, COMPLIANCE_RULES.inlinePolicy],
  ];
  if (parts.tracingPolicy) {
    unfixed.push([parts.tracingPolicy, COMPLIANCE_RULES.inlinePolicy]);
    acknowledge(parts.tracingPolicy, 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', TRACING_WILDCARD_REASON);
  }
  if (!parts.inVpc) {
    unfixed.push([parts.fn, COMPLIANCE_RULES.insideVpc]);
  } else {
    acknowledge(parts.role, `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${VPC_MANAGED_POLICY}]`, VPC_MANAGED_POLICY_REASON);
  }
  if (!parts.reservesConcurrency) {
    unfixed.push([parts.fn, COMPLIANCE_RULES.concurrency]);
  }
  if (!parts.tracingPolicy) {
    unfixed.push([parts.fn, COMPLIANCE_RULES.tracing]);
  }
  // A log group of the user's own is theirs to judge; the provider's is encrypted only with a key.
  if (parts.ownLogGroup && !parts.logsEncrypted) {
    unfixed.push([parts.ownLogGroup, COMPLIANCE_RULES.logGroupEncrypted]);
  }
  for (const [resource, rule] of unfixed) {
    for (const id of findingIds(rule)) {
      acknowledge(resource, id, rule.reason);
    }
  }
}

/** A resolved CloudFormation value as rule packs name it in finding ids: `{"Ref": "X"}` becomes `<X>`. */
export function flattenReference(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const node = value as Record<string, any>;
  if (node['Fn::Join']) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(flattenReference).join(separator);
  }
  if (node.Ref) {
    return `<${node.Ref}>`;
  }
  return JSON.stringify(value);
}
