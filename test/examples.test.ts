import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { EventStreamLookup } from '../src';
import { testOnBuildCdk } from './fixtures/cdk-version';
import { typeCheckProject } from './fixtures/typecheck';
import { RESOURCE_TYPE } from '../src/wire/properties';
import { EXAMPLES_DIR, exampleNames, synthExample } from '../tools/cdk-cli';
import { seedRetailWorld, RETAIL_WORLD, stopOrders } from '../tools/demo/world';
import { RehearsalEnvironment } from '../tools/rehearsal/environment';
import { rehearse } from '../tools/rehearsal/rehearse';

/**
 * The examples are apps as users write them: they type-check on their own, and the real CDK CLI
 * (the pinned `aws-cdk`) synthesizes them with their `cdk.json`, feature flags included.
 */

jest.setTimeout(180_000);

const outdirs: string[] = [];
const tempOutdir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-example-'));
  outdirs.push(dir);
  return dir;
};
afterAll(() => outdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Each example is synthesized once per context here (the tests only read the assemblies). */
const assemblies = new Map<string, Promise<CloudAssembly>>();
const synthesized = (name: string, context: Record<string, string> = {}): Promise<CloudAssembly> => {
  const key = JSON.stringify([name, context]);
  if (!assemblies.has(key)) {
    assemblies.set(key, synthExample(name, tempOutdir(), context));
  }
  return assemblies.get(key)!;
};

/**
 * For the synths that feed a rehearsal: aws-cdk-lib's template validation off (about 8 s of CPU
 * each). The synth of each example as users run it (above, no context) keeps it, findings as errors.
 */
const NO_TEMPLATE_VALIDATION = { CDK_VALIDATION: 'false' };

const templateOf = (assembly: CloudAssembly, stackName: string) => assembly.getStackByName(stackName).template;

test('there are examples, each with a README', () => {
  expect(exampleNames()).toEqual(expect.arrayContaining(['retail-lookups', 'synth-time-lookup']));
  for (const name of exampleNames()) {
    expect(fs.existsSync(path.join(EXAMPLES_DIR, name, 'README.md'))).toBe(true);
  }
});

test.each(exampleNames())('examples/%s type-checks as a user\'s app', (name) => {
  expect(typeCheckProject(path.join(EXAMPLES_DIR, name))).toBe('');
});

/** A synth-time lookup leaves no resource, only its literal ARN wherever the app used it. */
const LITERAL_EVENT_STREAM_ARN = /^arn:aws[a-z-]*:profile:[a-z0-9-]+:\d{12}:domains\/[\w-]+\/event-streams\/[\w-]+$/;
const literalStrings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : typeof value === 'object' && value !== null ? Object.values(value).flatMap(literalStrings) : [];

// Offline: the CLI's AWS calls go to a closed port without credentials, so every synth-time lookup
// must come from the example's committed cdk.context.json.
test.each(exampleNames())('examples/%s synthesizes with the CDK CLI, offline, and holds lookups', async (name) => {
  const assembly = await synthesized(name);
  expect(assembly.manifest.missing).toBeUndefined();
  const deployTime = assembly.stacks.flatMap((s) => Object.values<any>(s.template.Resources ?? {}).filter((r) => r.Type === RESOURCE_TYPE));
  const synthTime = assembly.stacks.flatMap((s) => literalStrings(s.template).filter((v) => LITERAL_EVENT_STREAM_ARN.test(v)));
  expect(deployTime.length + synthTime.length).toBeGreaterThan(0);
});

describe('examples/synth-time-lookup', () => {
  test('holds the cached values as literals, and no custom resource or function', async () => {
    const template = templateOf(await synthesized('synth-time-lookup'), 'OrdersReader');
    const types = Object.values<any>(template.Resources).map((r) => r.Type);
    expect(types).not.toContain(RESOURCE_TYPE);
    expect(types.filter((t) => t.startsWith('AWS::Lambda::'))).toEqual([]);
    const literals = literalStrings(template);
    expect(literals).toContain(`arn:aws:profile:${RETAIL_WORLD.region}:${RETAIL_WORLD.account}:domains/${RETAIL_WORLD.domainName}/event-streams/orders`);
    expect(literals).toContain(`arn:aws:kinesis:${RETAIL_WORLD.region}:${RETAIL_WORLD.account}:stream/retail-orders`);
  });
});

describe('examples/retail-lookups', () => {
  let assembly: CloudAssembly;
  beforeAll(async () => {
    // The synth as users run it (above): the first deployment of the rehearsals here.
    assembly = await synthesized('retail-lookups');
  });

  testOnBuildCdk('uses the feature flags of a current cdk init app: the consumer reads weak references', 'weak cross-stack references (Fn::GetStackOutput) are newer than the bottom of the peer range, where the flag is ignored and references are strong', () => {
    const cdkJson = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, 'retail-lookups', 'cdk.json'), 'utf8'));
    expect(cdkJson.context['@aws-cdk/core:defaultCrossStackReferences']).toBe('weak');
    const consumer = JSON.stringify(templateOf(assembly, 'OrdersConsumer'));
    expect(consumer).toContain('"Fn::GetStackOutput"');
    expect(consumer).not.toContain('"Fn::ImportValue"');
    const producer = templateOf(assembly, 'ProfilesLookups');
    expect(Object.values<any>(producer.Outputs).some((o) => o.Export !== undefined)).toBe(false);
  });

  test('rehearsed, the consumer stack receives the looked-up values through Fn::GetStackOutput', async () => {
    const env = await RehearsalEnvironment.start({ account: RETAIL_WORLD.account, region: RETAIL_WORLD.region });
    try {
      seedRetailWorld(env);
      const report = await rehearse(assembly, env, { lastPhase: 'Create' });
      const status = Object.fromEntries(report.stacks.map((s) => [s.stackName, s.status]));
      expect(status).toEqual({ ProfilesLookups: 'CREATE_COMPLETE', OrdersConsumer: 'CREATE_COMPLETE', ReturnsConsumer: 'ROLLBACK_COMPLETE' });
      const consumed = report.stacks.find((s) => s.stackName === 'OrdersConsumer')!.consumed;
      const values = Object.values(consumed);
      expect(values).toContain(`arn:aws:kinesis:${RETAIL_WORLD.region}:${RETAIL_WORLD.account}:stream/retail-orders`);
      expect(values).toContain(`arn:aws:profile:${RETAIL_WORLD.region}:${RETAIL_WORLD.account}:domains/${RETAIL_WORLD.domainName}/event-streams/orders`);
      expect(Object.keys(consumed).some((k) => k.startsWith('ReaderDefaultPolicy'))).toBe(true);
    } finally {
      await env.stop();
    }
  });

  test('rehearsed twice, as the demo does: the orders stream stops, its gated update fails, the stack rolls back cleanly', async () => {
    const next = await synthExample('retail-lookups', tempOutdir(), { [EventStreamLookup.REFRESH_CONTEXT_KEY]: 'example-test-2' }, NO_TEMPLATE_VALIDATION);
    const env = await RehearsalEnvironment.start({ account: RETAIL_WORLD.account, region: RETAIL_WORLD.region });
    try {
      seedRetailWorld(env);
      const report = await rehearse(assembly, env, { update: next, beforeUpdate: () => stopOrders(env), lastPhase: 'Update', stacks: ['ProfilesLookups'] });
      // Only the refreshed lookup is updated; the others' properties did not change.
      expect(report.steps.filter((s) => s.requestType === 'Update').map((s) => [s.logicalId.replace(/[0-9A-F]{8}$/, ''), s.rollback, s.status])).toEqual([
        ['Orders', false, 'FAILED'],
        ['Orders', true, 'SUCCESS'],
      ]);
      expect(report.stacks[0].history).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE']);
    } finally {
      await env.stop();
    }
  });
});
