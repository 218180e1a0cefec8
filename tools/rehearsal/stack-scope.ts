import { createHash } from 'crypto';
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { ResolutionScope } from './intrinsics';
import { RESOURCE_TYPE } from '../../src/wire/properties';

/**
 * What a stack's template values resolve against during a rehearsal: its pseudo parameters and
 * parameter defaults, the lookups it has deployed, and the exports and outputs of earlier stacks.
 * Only the lookups are modelled; every other resource gets a placeholder (`Stack-LogicalId`).
 */

/** What a deployed lookup gives the template: its Ref and its attributes. */
export interface DeployedLookup {
  readonly physicalResourceId: string;
  readonly data: Record<string, string>;
}

/** The rehearsal's one account and region, which stand in for an environment-agnostic stack's. */
export interface RehearsalAccount {
  readonly account: string;
  readonly region: string;
}

export function scopeFor(
  stack: CloudFormationStackArtifact,
  env: RehearsalAccount,
  state: ReadonlyMap<string, DeployedLookup>,
  exports: ReadonlyMap<string, string>,
  outputs: ReadonlyMap<string, Record<string, string>>,
): ResolutionScope {
  const template = stack.template;
  const { region, account } = environmentOf(stack, env);
  const parameters: Record<string, string> = {};
  for (const [name, p] of Object.entries<any>(template.Parameters ?? {})) {
    if (p.Default !== undefined) {
      parameters[name] = String(p.Default);
    }
  }
  return {
    pseudo: {
      'AWS::Region': region,
      'AWS::AccountId': account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stack.stackName,
      'AWS::StackId': stackIdOf(stack, env),
    },
    parameters,
    ref: (id) => state.get(id)?.physicalResourceId ?? (template.Resources?.[id] ? `${stack.stackName}-${id}` : undefined),
    getAtt: (id, attribute) => {
      const resource = template.Resources?.[id];
      if (resource?.Type === RESOURCE_TYPE) {
        const lookup = state.get(id);
        if (lookup && !(attribute in lookup.data)) {
          throw new Error(`CloudFormation would fail: Vendor response doesn't contain ${attribute} attribute in object ${id}`);
        }
        return lookup?.data[attribute];
      }
      if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') {
        return `arn:aws:lambda:${region}:${account}:function:${stack.stackName}-${id}`;
      }
      return resource ? `${stack.stackName}-${id}.${attribute}` : undefined;
    },
    importValue: (name) => exports.get(name),
    // Outputs of stacks in this rehearsal's one account; the region must match where it is given.
    stackOutput: (stackName, outputName, outputRegion) =>
      outputRegion === undefined || outputRegion === env.region ? outputs.get(stackName)?.[outputName] : undefined,
  };
}

/** The stack's id, stable for its name, as CloudFormation would have issued it. */
export function stackIdOf(stack: CloudFormationStackArtifact, env: RehearsalAccount): string {
  const { region, account } = environmentOf(stack, env);
  return `arn:aws:cloudformation:${region}:${account}:stack/${stack.stackName}/00000000-0000-4000-8000-${stableSuffix(stack.stackName)}`;
}

/** The stack's own account and region, or the rehearsal's where the stack leaves them unresolved. */
function environmentOf(stack: CloudFormationStackArtifact, env: RehearsalAccount): RehearsalAccount {
  return {
    region: stack.environment.region.startsWith('unknown') ? env.region : stack.environment.region,
    account: stack.environment.account.startsWith('unknown') ? env.account : stack.environment.account,
  };
}

function stableSuffix(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
