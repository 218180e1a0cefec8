import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { resolve, ResolutionScope } from './intrinsics';
import { RESOURCE_TYPE } from '../../src/wire/properties';

/**
 * Where the lookups' values travel once a stack is deployed: its outputs and exports (which later
 * stacks read), and the values its other resources read. The rehearsal reports both, so a test can
 * check what a consumer would really have received.
 */

/** The stack's outputs as CloudFormation would show them; their exports are recorded in `exports`. */
export function resolveOutputs(stack: CloudFormationStackArtifact, scope: ResolutionScope, exports: Map<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, output] of Object.entries<any>(stack.template.Outputs ?? {})) {
    const value = String(resolve(output.Value, scope));
    result[name] = value;
    if (output.Export?.Name) {
      exports.set(String(resolve(output.Export.Name, scope)), value);
    }
  }
  return result;
}

/** Every value the stack's other resources read from a lookup, resolved, by `LogicalId.Property.Path`. */
export function consumedValues(stack: CloudFormationStackArtifact, scope: ResolutionScope): Record<string, string> {
  const resources: Record<string, any> = stack.template.Resources ?? {};
  const isLookup = (id: unknown) => resources[String(id)]?.Type === RESOURCE_TYPE;
  const found: Record<string, string> = {};
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${at}.${i}`));
      return;
    }
    if (value === null || typeof value !== 'object') {
      return;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    const [fn, arg] = entries.length === 1 ? entries[0] : [];
    const readsLookup =
      fn === 'Fn::ImportValue' || fn === 'Fn::GetStackOutput' || (fn === 'Fn::GetAtt' && isLookup(Array.isArray(arg) ? arg[0] : String(arg).split('.')[0]));
    if (readsLookup) {
      found[at] = String(resolve(value, scope));
      return;
    }
    entries.forEach(([k, v]) => walk(v, `${at}.${k}`));
  };
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== RESOURCE_TYPE) {
      walk(resource.Properties, id);
    }
  }
  return found;
}
