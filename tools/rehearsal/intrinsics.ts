/**
 * Just enough of CloudFormation's intrinsic functions to resolve a lookup's properties and the
 * values other stacks read from it: Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::Sub,
 * Fn::ImportValue (strong references) and Fn::GetStackOutput (weak references, the default of a
 * current `cdk init` app). Anything else is an error, not a guess.
 */

/** What a reference can resolve against. */
export interface ResolutionScope {
  readonly pseudo: Record<string, string>;
  readonly parameters: Record<string, string>;
  /** Physical id (Ref) of a resource of the stack. */
  ref(logicalId: string): string | undefined;
  /** An attribute of a resource of the stack. */
  getAtt(logicalId: string, attribute: string): string | undefined;
  /** An export of an earlier stack. */
  importValue(name: string): string | undefined;
  /** An output of an earlier stack, by stack name (and region, when given). */
  stackOutput(stackName: string, outputName: string, region?: string): string | undefined;
}

export function resolve(value: unknown, scope: ResolutionScope): any {
  if (Array.isArray(value)) {
    return value.map((v) => resolve(v, scope));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0];
    switch (fn) {
      case 'Ref':
        return ref(String(arg), scope);
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        const found = scope.getAtt(String(id), String(attribute));
        if (found === undefined) {
          throw new Error(`Fn::GetAtt ${id}.${attribute}: no such attribute (yet)`);
        }
        return found;
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolve(parts, scope) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (resolve(list, scope) as unknown[])[Number(resolve(index, scope))];
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, unknown];
        return String(resolve(text, scope)).split(separator);
      }
      case 'Fn::Sub': {
        const [template, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
        return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in variables) {
            return String(resolve(variables[name], scope));
          }
          return name.includes('.') ? String(resolve({ 'Fn::GetAtt': name.split('.') }, scope)) : ref(name, scope);
        });
      }
      case 'Fn::ImportValue': {
        const name = String(resolve(arg, scope));
        const found = scope.importValue(name);
        if (found === undefined) {
          throw new Error(`Fn::ImportValue ${name}: no stack exports it`);
        }
        return found;
      }
      case 'Fn::GetStackOutput': {
        const { StackName, OutputName, Region, RoleArn } = resolve(arg, scope) as Record<string, string | undefined>;
        if (RoleArn !== undefined) {
          throw new Error(`Fn::GetStackOutput ${StackName}.${OutputName}: RoleArn (another account) is not supported by the rehearsal`);
        }
        const found = scope.stackOutput(String(StackName), String(OutputName), Region);
        if (found === undefined) {
          throw new Error(`Fn::GetStackOutput ${StackName}.${OutputName}: no such output of a deployed stack`);
        }
        return found;
      }
      default:
        if (fn.startsWith('Fn::') || fn === 'Condition') {
          throw new Error(`intrinsic ${fn} is not supported by the rehearsal`);
        }
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, scope)]));
}

function ref(name: string, scope: ResolutionScope): string {
  const value = scope.pseudo[name] ?? scope.parameters[name] ?? scope.ref(name);
  if (value === undefined) {
    throw new Error(`Ref ${name}: unknown`);
  }
  return value;
}
