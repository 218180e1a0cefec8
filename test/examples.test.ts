import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { EventStreamLookup } from '../src';
import { RESOURCE_TYPE } from '../src/contract';
import { testOnBuildCdk } from './fixtures/cdk-version';
import { EXAMPLES_DIR, exampleNames, synthExample } from '../tools/cdk-cli';
import { seedRetailWorld, RETAIL_WORLD } from '../tools/demo/world';
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

const templateOf = (assembly: CloudAssembly, stackName: string) => assembly.getStackByName(stackName).template;

test('there are examples, each with a README', () => {
  expect(exampleNames()).toContain('retail-lookups');
  for (const name of exampleNames()) {
    expect(fs.existsSync(path.join(EXAMPLES_DIR, name, 'README.md'))).toBe(true);
  }
});

test.each(exampleNames())('examples/%s type-checks as a user\'s app', (name) => {
  const tsc = path.join(__dirname, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  expect(() => execFileSync(process.execPath, [tsc, '--noEmit', '-p', path.join(EXAMPLES_DIR, name)], { encoding: 'utf8' })).not.toThrow();
});

test.each(exampleNames())('examples/%s synthesizes with the CDK CLI and holds lookups', async (name) => {
  const assembly = await synthExample(name, tempOutdir());
  const lookups = assembly.stacks.flatMap((s) => Object.values<any>(s.template.Resources ?? {}).filter((r) => r.Type === RESOURCE_TYPE));
  expect(lookups.length).toBeGreaterThan(0);
});

describe('examples/retail-lookups', () => {
  let assembly: CloudAssembly;
  beforeAll(async () => {
    assembly = await synthExample('retail-lookups', tempOutdir(), { [EventStreamLookup.REFRESH_CONTEXT_KEY]: 'example-test' });
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
});
