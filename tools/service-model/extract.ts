import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/**
 * The part of the Customer Profiles service model (as botocore ships it) that the stand-in must
 * honour: the GetEventStream operation, the protocol metadata, and every shape it reaches. It is
 * checked in (get-event-stream.json), so the stand-in's fidelity tests need no Python; a test
 * compares it with the installed botocore's when botocore is there (always in CI).
 *
 * `npx projen service-model:extract` rewrites it from the botocore installed for python3.
 */

export const EXTRACT_FILE = path.join(__dirname, 'get-event-stream.json');
const OPERATION = 'GetEventStream';

export interface ServiceModelExtract {
  readonly metadata: Record<string, unknown>;
  readonly operation: Record<string, any>;
  readonly shapes: Record<string, any>;
}

/** The full model from botocore's `customer-profiles/2020-08-15/service-2.json.gz` (needs python3 with botocore). */
export function loadBotocoreModel(): any {
  const root = execFileSync('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8' }).trim();
  const file = path.join(root, 'data', 'customer-profiles', '2020-08-15', 'service-2.json.gz');
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'));
}

/** The operation, its wire metadata and the shapes reachable from its input, output and errors. */
export function extractGetEventStream(model: any): ServiceModelExtract {
  const operation = model.operations[OPERATION];
  const shapes: Record<string, any> = {};
  const visit = (name: string): void => {
    if (name in shapes) {
      return;
    }
    const shape = model.shapes[name];
    shapes[name] = shape;
    for (const member of Object.values<any>(shape.members ?? {})) {
      visit(member.shape);
    }
    for (const part of [shape.member, shape.key, shape.value]) {
      if (part) {
        visit(part.shape);
      }
    }
  };
  visit(operation.input.shape);
  visit(operation.output.shape);
  for (const error of operation.errors ?? []) {
    visit(error.shape);
  }
  const { protocol, signingName, endpointPrefix, jsonVersion, apiVersion } = model.metadata;
  return sortKeys({ metadata: { apiVersion, endpointPrefix, jsonVersion, protocol, signingName }, operation, shapes }) as ServiceModelExtract;
}

/** The checked-in extract. */
export function readExtract(): ServiceModelExtract {
  return JSON.parse(fs.readFileSync(EXTRACT_FILE, 'utf8'));
}

/** JSON with keys in order and no `undefined`, so the file is stable across runs. */
export function renderExtract(extract: ServiceModelExtract): string {
  return `${JSON.stringify(sortKeys(extract), undefined, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}

if (require.main === module) {
  fs.writeFileSync(EXTRACT_FILE, renderExtract(extractGetEventStream(loadBotocoreModel())));
  console.log(`wrote ${path.relative(process.cwd(), EXTRACT_FILE)}`);
}
