import * as cdk from 'aws-cdk-lib';
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
