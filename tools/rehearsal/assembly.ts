import * as fs from 'fs';
import * as path from 'path';
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { LambdaFunctionSpec } from './lambda-process';
import { RESOURCE_TYPE } from '../../src/wire/properties';

/**
 * Reads a synthesized stack as CloudFormation and Lambda would: its EventStreamLookup resources,
 * and for each the function its ServiceToken points at, with the code taken from cdk.out.
 */

export interface LookupResource {
  readonly logicalId: string;
  /** Construct path when the app records it, else the logical id. */
  readonly path: string;
  readonly properties: Record<string, unknown>;
  /** Logical id of the function the ServiceToken names. */
  readonly functionLogicalId: string;
}

export function findLookups(stack: CloudFormationStackArtifact): LookupResource[] {
  const resources = (stack.template.Resources ?? {}) as Record<string, any>;
  return Object.entries(resources)
    .filter(([, r]) => r.Type === RESOURCE_TYPE)
    .map(([logicalId, r]) => {
      const token = r.Properties?.ServiceToken;
      const target = token?.['Fn::GetAtt'];
      if (!Array.isArray(target) || target[1] !== 'Arn') {
        throw new Error(`${stack.stackName}/${logicalId}: ServiceToken is not Fn::GetAtt of a function's Arn: ${JSON.stringify(token)}`);
      }
      return { logicalId, path: r.Metadata?.['aws:cdk:path'] ?? logicalId, properties: r.Properties, functionLogicalId: target[0] };
    });
}

/** The function as deployed: code from the asset whose object key the template names. */
export function functionSpec(stack: CloudFormationStackArtifact, logicalId: string, resolveValue: (v: unknown) => any): LambdaFunctionSpec {
  const resource = stack.template.Resources?.[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function') {
    throw new Error(`${stack.stackName}/${logicalId} is not an AWS::Lambda::Function`);
  }
  const p = resource.Properties;
  const objectKey = resolveValue(p.Code?.S3Key);
  return {
    functionName: `${stack.stackName}-${logicalId}`.slice(0, 64),
    codeDirectory: assetDirectory(stack, String(objectKey)),
    handler: p.Handler,
    timeoutSeconds: Number(p.Timeout ?? 3),
    memorySize: Number(p.MemorySize ?? 128),
    runtime: p.Runtime,
    environment: resolveValue(p.Environment?.Variables ?? {}),
    ...(p.ReservedConcurrentExecutions !== undefined ? { reservedConcurrency: Number(resolveValue(p.ReservedConcurrentExecutions)) } : {}),
  };
}

function assetDirectory(stack: CloudFormationStackArtifact, objectKey: string): string {
  const outdir = stack.assembly.directory;
  for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.assets.json'))) {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));
    for (const asset of Object.values<any>(manifest.files ?? {})) {
      const keys = Object.values<any>(asset.destinations ?? {}).map((d) => d.objectKey);
      if (keys.includes(objectKey) && asset.source?.packaging === 'zip') {
        return path.join(outdir, asset.source.path);
      }
    }
  }
  throw new Error(`no zip asset in ${outdir} has object key ${objectKey}`);
}
