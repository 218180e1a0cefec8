import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { seedRetailCloudControl } from './world';
import { CONTEXT_FILE, runCdk, scratchCopyOfExample, synthIn } from '../cdk-cli';
import { applyRolePolicies } from '../iam/apply-template';
import { CloudControlEnvironment } from '../stand-ins/cloud-control-environment';

/**
 * The synth-time mode, for `npx projen demo`: the CDK CLI synthesizes a copy of
 * examples/synth-time-lookup without its cache against local STS and Cloud Control stand-ins, and
 * we print the calls it made, what it cached and the literal values in the template.
 */
export async function demoSynthTime(): Promise<void> {
  const env = await CloudControlEnvironment.start();
  const app = scratchCopyOfExample('synth-time-lookup');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-demo-synth-time-'));
  try {
    seedRetailCloudControl(env.cloudControl);
    // As the README says: the grant stack first, alone; its policy applied to the simulated lookup
    // role as CloudFormation would (the role is exactly what `cdk bootstrap` creates: no profile: action).
    const grantOut = path.join(outdir, 'grant');
    const grantSynth = await runCdk(['synth', 'EventStreamLookupGrant', '--exclusively', '--quiet', '--output', grantOut], { cwd: app, env: env.cliVariables() });
    if (grantSynth.status !== 0) {
      throw new Error(`cdk synth EventStreamLookupGrant failed (exit ${grantSynth.status}):\n${grantSynth.stderr}${grantSynth.stdout}`);
    }
    const granted = applyRolePolicies(new CloudAssembly(grantOut).getStackByName('EventStreamLookupGrant'), env.iam, env);
    console.log(`\nEventStreamLookupGrant (deployed alone first) attached profile:GetEventStream on domain retail-profiles to ${granted.join(', ')}`);
    env.log.clear();
    const result = await synthIn(app, outdir, { env: env.cliVariables() });
    if (result.status !== 0) {
      throw new Error(`cdk synth of examples/synth-time-lookup failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
    }
    console.log('\n## Synth time: EventStreamLookup.fromLookup (examples/synth-time-lookup)\n');
    console.log(`"cdk synth" against local STS at ${env.sts.endpoint} and Cloud Control at ${env.cloudControl.endpoint}; the CLI's calls:`);
    env.log.entries.forEach((r, i) => console.log(`  ${i + 1}. ${r.service} ${r.operation} ${r.detail} (${r.accessKeyId}): ${r.outcome}`));
    console.log(`\nCached in ${CONTEXT_FILE}:\n${fs.readFileSync(path.join(app, CONTEXT_FILE), 'utf8')}`);
    const template = JSON.parse(fs.readFileSync(path.join(outdir, 'OrdersReader.template.json'), 'utf8'));
    const resources = Object.values<any>(template.Resources);
    const parameter = resources.find((r) => r.Type === 'AWS::SSM::Parameter').Properties.Value;
    const grant = resources.find((r) => r.Type === 'AWS::IAM::Policy').Properties.PolicyDocument.Statement[0].Resource;
    console.log('Literal values in OrdersReader.template.json:');
    console.log(`  SSM parameter value:             ${parameter}`);
    console.log(`  consumer role's kinesis grant:   ${grant}`);
    console.log(`  output OrdersDestination:        ${template.Outputs.OrdersDestination.Value}`);
    console.log(`  resources: ${resources.map((r) => r.Type).join(', ')} (no function, no custom resource)`);
  } finally {
    await env.stop();
    fs.rmSync(app, { recursive: true, force: true });
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
