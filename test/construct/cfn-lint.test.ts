import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { EventStreamLookup, EventStreamLookupProvider } from '../../src';
import { scaleStack, tempOutdir } from '../../tools/bench/scale';
import { exampleNames, synthExample } from '../../tools/cdk-cli';
import { CFN_LINT, describeWithTool } from '../fixtures/optional-tools';
import { addRepresentativeLookups, ENV, testApp } from '../fixtures/stacks';

/**
 * cfn-lint (1.x) finds no error and no warning in the templates of the examples and of
 * representative test apps. Skipped (and named) where cfn-lint is not installed; required in CI.
 */

const lint = 'cfn-lint';

/** The template files of a synthesized assembly. */
function templatesOf(assembly: CloudAssembly | App): string[] {
  const synthesized = assembly instanceof App ? assembly.synth() : assembly;
  return synthesized.stacks.map((s) => path.join(synthesized.directory, s.templateFile));
}

/** Copies templates into one directory under readable names. */
function collect(dir: string, name: string, files: string[]): string[] {
  return files.map((file) => {
    const target = path.join(dir, `${name}-${path.basename(file)}`);
    fs.copyFileSync(file, target);
    return target;
  });
}

/** A plain, a gated and waiting, a cross-region and a cross-account lookup; one of parameters; a configured provider. */
function representativeApp(): App {
  const app = testApp();
  const stack = new Stack(app, 'Consumer', { env: ENV });
  addRepresentativeLookups(stack, Duration.minutes(14));
  // An environment-agnostic stack whose names are parameters (checked at deploy time).
  const agnostic = new Stack(app, 'Agnostic');
  new EventStreamLookup(agnostic, 'Param', {
    domainName: new CfnParameter(agnostic, 'Domain').valueAsString,
    eventStreamName: new CfnParameter(agnostic, 'Stream').valueAsString,
  });
  // A provider configured as a regulated team configures it: VPC, KMS log group, tracing, reservation.
  const configured = new Stack(app, 'Configured', { env: ENV });
  EventStreamLookupProvider.of(configured).configure({
    vpc: ec2.Vpc.fromVpcAttributes(configured, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    }),
    logEncryptionKey: new kms.Key(configured, 'LogsKey', { enableKeyRotation: true }),
    tracing: lambda.Tracing.ACTIVE,
    reservedConcurrentExecutions: 5,
  });
  addRepresentativeLookups(configured);
  return app;
}

/** Runs cfn-lint on the files; resolves to its E and W findings (and a note if it failed to run). */
function lintFindings(files: string[]): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(lint, ['--format', 'parseable', '--', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = (error as { code?: unknown } | null)?.code;
      // Exit codes: 0 clean, or the sum of 2 (errors), 4 (warnings), 8 (informational); anything else is a crash.
      const crashed = typeof status === 'number' && ![0, 2, 4, 6, 8, 10, 12, 14].includes(status);
      const findings = stdout.split('\n').filter((line) => /:[EW]\d{4}:/.test(line));
      resolve(crashed || (error && typeof status !== 'number') ? [...findings, `cfn-lint failed (${String(status)}): ${stderr}`] : findings);
    });
  });
}

/** A template cfn-lint must report as an error: a Lambda runtime long retired. */
const BROKEN = { Resources: { Bad: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs4.3' } } } };

describeWithTool(CFN_LINT, 'cfn-lint on the examples and representative stacks', () => {
  let dir: string;
  let files: string[];
  let broken: string;
  /** Findings by file; the broken template rides along in the same run (cfn-lint takes seconds to start). */
  let findings: string[];

  beforeAll(async () => {
    dir = tempOutdir('esl-cfn-lint-');
    // The CLI's synths wait on their app processes: side by side. cfn-lint is the check here;
    // aws-cdk-lib's own validation of the examples runs in test/examples.test.ts.
    const examples = (
      await Promise.all(exampleNames().map(async (name) => collect(dir, name, templatesOf(await synthExample(name, path.join(dir, `${name}.out`), {}, { CDK_VALIDATION: 'false' })))))
    ).flat();
    broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, JSON.stringify(BROKEN));
    const small = [
      ...examples,
      ...collect(dir, 'representative', templatesOf(representativeApp())),
      // 120 lookups over 120 domains: compacted to one pattern per region.
      ...collect(dir, 'region', templatesOf(scaleStack('EventStreamLookup', 120, 120, path.join(dir, 'region.out')).app)),
    ];
    // 400 lookups over 8 domains: exact ARNs and per-domain patterns side by side.
    const large = collect(dir, 'scale', templatesOf(scaleStack('EventStreamLookup', 400, 8, path.join(dir, 'scale.out')).app));
    // Representative: 3 stacks; region and scale: 1 each; and every example's stacks.
    expect(examples.length).toBeGreaterThanOrEqual(3);
    expect(small.length + large.length).toBe(examples.length + 5);
    files = [...small, ...large];
    // Two processes: cfn-lint takes seconds per large template.
    findings = (await Promise.all([lintFindings([...small, broken]), lintFindings(large)])).flat();
  }, 300_000); // a bound for a hang, not a measure: it shares 2 cores with the other test files' workers

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('cfn-lint finds no errors or warnings', () => {
    expect(files.length).toBeGreaterThan(5);
    expect(findings.filter((line) => !line.startsWith(`${broken}:`))).toEqual([]);
  });

  test('cfn-lint is live: in the same run, it reports a broken template', () => {
    expect(findings.filter((line) => line.startsWith(`${broken}:`)).some((line) => /:E\d{4}:/.test(line))).toBe(true);
  });
});
