import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { resolve, ResolutionScope } from './intrinsics';
import { awsManagedPolicyByArn, RoleDefinition } from '../iam/aws-policies';
import { NamedPolicy } from '../iam/evaluate';

/**
 * The execution role of a function, exactly as the synthesized template defines it: its trust
 * policy, its inline policies, every `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` of the template
 * attached to it (the statements added through `provider.role` land there), its managed policy ARNs
 * (AWS managed ones resolved from AWS's current documents), and its permissions boundary. The
 * rehearsal runs the function with a session of this role, so every call it makes is authorized
 * against what would really be deployed.
 */

/** Customer managed policies that exist outside the template (a boundary an administrator created), by ARN. */
export type ExternalPolicies = ReadonlyMap<string, NamedPolicy>;

export function functionRole(
  stack: CloudFormationStackArtifact,
  functionLogicalId: string,
  scope: ResolutionScope,
  external: ExternalPolicies = new Map(),
): RoleDefinition {
  const resources = (stack.template.Resources ?? {}) as Record<string, any>;
  const roleTarget = resources[functionLogicalId]?.Properties?.Role?.['Fn::GetAtt'];
  if (!Array.isArray(roleTarget) || roleTarget[1] !== 'Arn' || resources[roleTarget[0]]?.Type !== 'AWS::IAM::Role') {
    throw new Error(`${stack.stackName}/${functionLogicalId}: Role is not Fn::GetAtt of an AWS::IAM::Role of the template`);
  }
  const roleId: string = roleTarget[0];
  const iamScope = withIamNames(stack, scope);
  const value = (v: unknown) => resolve(v, iamScope);
  const role = resources[roleId].Properties ?? {};
  const attachedTo = (r: any) => (r.Properties?.Roles ?? []).some((x: any) => x?.Ref === roleId);

  const managedInTemplate = new Map<string, NamedPolicy>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::ManagedPolicy') {
      managedInTemplate.set(iamScope.ref(id)!, { name: id, policy: value(r.Properties.PolicyDocument) });
    }
  }
  const managed = (arn: string): NamedPolicy => {
    if (/^arn:[^:]+:iam::aws:policy\//.test(arn)) {
      return awsManagedPolicyByArn(arn);
    }
    const found = managedInTemplate.get(arn) ?? external.get(arn);
    if (!found) {
      throw new Error(`${stack.stackName}/${roleId}: managed policy ${arn} is neither AWS managed, in the template, nor given to the rehearsal`);
    }
    return found;
  };

  const policies: NamedPolicy[] = [
    ...(role.Policies ?? []).map((p: any) => ({ name: value(p.PolicyName), policy: value(p.PolicyDocument) })),
    ...Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && attachedTo(r))
      .map(([id, r]) => ({ name: id, policy: value(r.Properties.PolicyDocument) })),
    ...Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && attachedTo(r))
      .map(([id]) => managedInTemplate.get(iamScope.ref(id)!)!),
    ...(value(role.ManagedPolicyArns ?? []) as string[]).map(managed),
  ];
  const boundary = role.PermissionsBoundary !== undefined ? managed(value(role.PermissionsBoundary)) : undefined;
  return {
    arn: iamScope.getAtt(roleId, 'Arn')!,
    trustPolicy: value(role.AssumeRolePolicyDocument),
    policies,
    ...(boundary ? { permissionsBoundary: boundary } : {}),
  };
}

/**
 * The scope with real ARNs where IAM needs them (policies are checked as ARNs): a role's Arn and
 * name, a log group's Arn, a managed policy's ARN; everything else as the rehearsal resolves it.
 */
export function withIamNames(stack: CloudFormationStackArtifact, scope: ResolutionScope): ResolutionScope {
  const resources = (stack.template.Resources ?? {}) as Record<string, any>;
  const account = scope.pseudo['AWS::AccountId'];
  const region = scope.pseudo['AWS::Region'];
  const nameOf = (id: string, property: string) => {
    const given = resources[id].Properties?.[property];
    return given !== undefined ? String(resolve(given, scope)) : `${stack.stackName}-${id}`.slice(0, 64);
  };
  return {
    ...scope,
    ref: (id) => {
      switch (resources[id]?.Type) {
        case 'AWS::IAM::Role':
          return nameOf(id, 'RoleName');
        case 'AWS::Logs::LogGroup':
          return nameOf(id, 'LogGroupName');
        case 'AWS::IAM::ManagedPolicy':
          return `arn:aws:iam::${account}:policy/${nameOf(id, 'ManagedPolicyName')}`;
        default:
          return scope.ref(id);
      }
    },
    getAtt: (id, attribute) => {
      const type = resources[id]?.Type;
      if (type === 'AWS::IAM::Role' && attribute === 'Arn') {
        return `arn:aws:iam::${account}:role/${nameOf(id, 'RoleName')}`;
      }
      if (type === 'AWS::Logs::LogGroup' && attribute === 'Arn') {
        return `arn:aws:logs:${region}:${account}:log-group:${nameOf(id, 'LogGroupName')}:*`;
      }
      return scope.getAtt(id, attribute);
    },
  };
}
