import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { IamWorld } from './world';
import { resolve } from '../rehearsal/intrinsics';
import { scopeFor } from '../rehearsal/stack-scope';

/**
 * Deploys a stack's `AWS::IAM::Policy` resources into the IAM world, as CloudFormation would: each
 * policy document, resolved, attached to every role its `Roles` names (roles of the stack's account,
 * which must exist: CloudFormation fails on a missing one). Returns the ARNs of the roles changed.
 * This is how the grant stack of examples/synth-time-lookup reaches the simulated lookup role.
 */
export function applyRolePolicies(stack: CloudFormationStackArtifact, world: IamWorld, env: { account: string; region: string }): string[] {
  const scope = scopeFor(stack, env, new Map(), new Map(), new Map());
  const changed: string[] = [];
  for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
    if (resource.Type !== 'AWS::IAM::Policy') {
      continue;
    }
    const properties = resolve(resource.Properties, scope);
    for (const roleName of properties.Roles ?? []) {
      const roleArn = `arn:aws:iam::${scope.pseudo['AWS::AccountId']}:role/${roleName}`;
      if (!world.role(roleArn)) {
        throw new Error(`${stack.stackName}/${logicalId}: CloudFormation would fail: role ${roleName} does not exist in account ${scope.pseudo['AWS::AccountId']}`);
      }
      world.attachRolePolicy(roleArn, { name: properties.PolicyName ?? logicalId, policy: properties.PolicyDocument });
      changed.push(roleArn);
    }
  }
  return changed;
}
