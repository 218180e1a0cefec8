import { randomUUID } from 'crypto';
import { awsManagedPolicy, RoleDefinition } from './aws-policies';
import { accountOf, AuthorizationRequest, Decision, evaluate, NamedPolicy, PolicyDocument } from './evaluate';
import { StandInCredentials, TEST_CREDENTIALS } from '../stand-ins/sigv4';

export type { RoleDefinition } from './aws-policies';

/**
 * The IAM every stand-in authorizes against: who holds which credentials, and with which policies.
 * Stand-ins verify a request's signature against `credentials()`, then ask `authorize` for each
 * action the service would check, and answer a denial as the service does. The evaluation itself is
 * `@cloud-copilot/iam-simulate`'s (evaluate.ts).
 *
 * - The test identity (`TEST_CREDENTIALS`): an IAM user of the world's account with AWS's
 *   `AdministratorAccess`, as a developer's own credentials usually are.
 * - Roles (`defineRole`): a trust policy, identity policies and a permissions boundary. Sessions are
 *   issued by `assumeRole` (the STS stand-in: the caller's policies and the role's trust policy both
 *   decide) or directly by `sessionFor` (what Lambda does for a function's execution role).
 * - SCPs per account (`setServiceControlPolicies`), as an organization's guard rails.
 */

/** Who signed a request, and the policies that decide what it may do. */
export interface Principal {
  /** `arn:aws:iam::A:user/NAME` or `arn:aws:sts::A:assumed-role/ROLE/SESSION`. */
  readonly arn: string;
  readonly account: string;
  /** The role a session belongs to. */
  readonly roleArn?: string;
}

interface Holder {
  readonly principal: Principal;
  readonly credentials: StandInCredentials;
}

/** The test identity's user name. */
export const TEST_USER_NAME = 'stand-in';

/** `FULL_ACCESS` for an SCP layer that allows everything but what another statement denies (AWS's FullAWSAccess). */
export const FULL_AWS_ACCESS: NamedPolicy = {
  name: 'FullAWSAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

export class IamWorld {
  private readonly holders = new Map<string, Holder>();
  private readonly roles = new Map<string, RoleDefinition>();
  private readonly userPolicies = new Map<string, NamedPolicy[]>();
  private readonly scps = new Map<string, NamedPolicy[]>();
  private issued = 0;

  /** A world whose test identity is an administrator of `account`. */
  public constructor(public readonly account: string = '123456789012') {
    const user = `arn:aws:iam::${account}:user/${TEST_USER_NAME}`;
    this.holders.set(TEST_CREDENTIALS.accessKeyId, { principal: { arn: user, account }, credentials: TEST_CREDENTIALS });
    this.userPolicies.set(user, [awsManagedPolicy('AdministratorAccess')]);
  }

  /** Every credential the world knows: what a stand-in verifies signatures against. */
  public credentials(): StandInCredentials[] {
    return [...this.holders.values()].map((h) => h.credentials);
  }

  /** Who holds this access key. */
  public principalOf(accessKeyId: string): Principal | undefined {
    return this.holders.get(accessKeyId)?.principal;
  }

  /** Creates (or replaces) a role. */
  public defineRole(role: RoleDefinition): this {
    this.roles.set(role.arn, role);
    return this;
  }

  public role(arn: string): RoleDefinition | undefined {
    return this.roles.get(arn);
  }

  /** Attaches one more identity policy to a role (what deploying an `AWS::IAM::Policy` on it does). */
  public attachRolePolicy(roleArn: string, policy: NamedPolicy): this {
    const role = this.roles.get(roleArn);
    if (!role) {
      throw new Error(`no role ${roleArn}`);
    }
    this.roles.set(roleArn, { ...role, policies: [...role.policies, policy] });
    return this;
  }

  /** Sets a role's permissions boundary (`undefined` removes it). */
  public setPermissionsBoundary(roleArn: string, boundary: NamedPolicy | undefined): this {
    const role = this.roles.get(roleArn);
    if (!role) {
      throw new Error(`no role ${roleArn}`);
    }
    this.roles.set(roleArn, { ...role, permissionsBoundary: boundary });
    return this;
  }

  /**
   * The SCPs that apply to the account's principals (one layer: include `FULL_AWS_ACCESS` or
   * another Allow, as an organization's account does); none means no organization.
   */
  public setServiceControlPolicies(account: string, policies: readonly NamedPolicy[]): this {
    this.scps.set(account, [...policies]);
    return this;
  }

  /** Issues a session of the role without a trust check: what Lambda does for a function's execution role. */
  public sessionFor(roleArn: string, sessionName: string): { credentials: StandInCredentials; principal: Principal } {
    if (!this.roles.has(roleArn)) {
      throw new Error(`no role ${roleArn}`);
    }
    const [, partition, , , account, resource] = /^arn:([^:]+):(iam)::()(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn) ?? [];
    if (!resource) {
      throw new Error(`not a role ARN: ${roleArn}`);
    }
    this.issued += 1;
    const credentials: StandInCredentials = {
      accessKeyId: `ASIASTANDIN${String(this.issued).padStart(9, '0')}`,
      secretAccessKey: `assumed-secret-${randomUUID()}`,
      sessionToken: `assumed-token-${randomUUID()}`,
    };
    const principal = { arn: `arn:${partition}:sts::${account}:assumed-role/${resource}/${sessionName}`, account, roleArn };
    this.holders.set(credentials.accessKeyId, { principal, credentials });
    return { credentials, principal };
  }

  /**
   * Authorizes `action` on `resource` for whoever signed with `accessKeyId`: its identity policies,
   * its permissions boundary, its account's SCPs, and the resource's policy when given.
   */
  public async authorize(
    accessKeyId: string,
    action: string,
    resource: string,
    options: { context?: Record<string, string | string[]>; resourcePolicy?: PolicyDocument; resourceAccount?: string } = {},
  ): Promise<Decision & { principal: string }> {
    const holder = this.holders.get(accessKeyId);
    if (!holder) {
      throw new Error(`no principal holds ${accessKeyId}: verify the signature first`);
    }
    const { principal } = holder;
    const role = principal.roleArn ? this.roles.get(principal.roleArn) : undefined;
    const request: AuthorizationRequest = {
      principal: principal.arn,
      action,
      resource,
      resourceAccount: options.resourceAccount ?? (accountOf(resource) || principal.account),
      context: options.context,
    };
    const scps = this.scps.get(principal.account);
    const decision = await evaluate(request, {
      identityPolicies: role ? role.policies : this.userPolicies.get(principal.arn) ?? [],
      permissionsBoundary: role?.permissionsBoundary,
      serviceControlPolicies: scps,
      resourcePolicy: options.resourcePolicy,
    });
    return { ...decision, principal: principal.arn };
  }

  /**
   * STS AssumeRole: the caller's policies must allow `sts:AssumeRole` on the role and its trust policy
   * must trust the caller (with the external ID as `sts:ExternalId`). A role that does not exist is
   * denied as IAM denies it (STS does not say it is missing).
   */
  public async assumeRole(
    accessKeyId: string,
    roleArn: string,
    options: { externalId?: string; sessionName: string },
  ): Promise<{ allowed: true; credentials: StandInCredentials; principal: Principal } | (Decision & { allowed: false; principal: string })> {
    const role = this.roles.get(roleArn);
    const context: Record<string, string> = options.externalId !== undefined ? { 'sts:ExternalId': options.externalId } : {};
    const decision = await this.authorize(accessKeyId, 'sts:AssumeRole', roleArn, {
      context,
      resourcePolicy: role?.trustPolicy ?? { Version: '2012-10-17', Statement: [] },
      resourceAccount: accountOf(roleArn),
    });
    if (!decision.allowed || !role) {
      const principal = this.principalOf(accessKeyId)!.arn;
      return decision.allowed
        ? { allowed: false, explicit: false, principal, because: '', message: `User: ${principal} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}` }
        : decision;
    }
    return { allowed: true, ...this.sessionFor(roleArn, options.sessionName) };
  }
}

/** A policy document of these statements. */
export function policyOf(...statements: any[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** A trust policy that lets `principal` (an ARN) assume the role, with this external ID if given. */
export function trustPolicyFor(principal: string, externalId?: string): PolicyDocument {
  return policyOf({
    Effect: 'Allow',
    Principal: { AWS: principal },
    Action: 'sts:AssumeRole',
    ...(externalId !== undefined ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
  });
}
