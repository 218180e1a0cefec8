import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { demoSynthTime } from './synth-time';
import { demoWatch } from './watch';
import { RETAIL_WORLD, seedRetailWorld, stopOrders } from './world';
import { EventStreamLookup } from '../../src';
import { synthExample } from '../cdk-cli';
import { RehearsalEnvironment } from '../rehearsal/environment';
import { rehearse, StepReport } from '../rehearsal/rehearse';

/**
 * The main job: synthesize `examples/retail-lookups` with the real CDK CLI, seed local stand-ins with
 * the retail world (./world.ts), rehearse the deployment of the example's lookups with the bundled
 * handler from cdk.out, and print what CloudFormation would have seen. Only this construct's custom
 * resources run; the example's other resources get placeholder values. Then the example's watch after the
 * deployment, on a virtual clock (./watch.ts). Then the synth-time mode
 * (./synth-time.ts): examples/synth-time-lookup through the CLI against a local Cloud Control.
 */
async function main(): Promise<void> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-demo-'));
  const env = await RehearsalEnvironment.start({ account: RETAIL_WORLD.account, region: RETAIL_WORLD.region });
  try {
    seedRetailWorld(env);
    const synthStarted = Date.now();
    // Two deployments (the refresh token changes), as `cdk deploy` twice would synthesize them.
    const deployment = (n: number) => synthExample('retail-lookups', path.join(outdir, `deployment-${n}`), { [EventStreamLookup.REFRESH_CONTEXT_KEY]: `demo-${n}` });
    const [assembly, update] = await Promise.all([deployment(1), deployment(2)]);
    console.log(`"cdk synth" of examples/retail-lookups, twice: ${assembly.stacks.length} stacks in ${outdir}, ${Date.now() - synthStarted} ms.`);
    console.log(`Local Customer Profiles at ${env.profiles.endpoint}; responses received over HTTPS by a strict S3 stand-in.`);
    console.log('Rehearsed: every EventStreamLookup, run by its bundled handler; other resources get placeholder values.');
    console.log('Between the two deployments the orders stream stops: its gated update fails, and the stack rolls back.\n');

    const started = Date.now();
    const report = await rehearse(assembly, env, { update, beforeUpdate: () => stopOrders(env) });

    console.log('## Events, as CloudFormation would see them\n');
    console.log(table(['stack', 'lookup', 'request', 'status', 'ms', 'reason'], report.steps.map((s) => [
      s.stackName, s.logicalId, `${s.requestType}${s.rollback ? ' (rollback)' : ''}`, s.status, String(s.durationMs), s.reason,
    ])));

    console.log('\n## Attributes returned on Create\n');
    const creates = report.steps.filter((s) => s.requestType === 'Create' && s.data);
    console.log(attributesTable(creates));

    console.log('\n## Stacks\n');
    console.log(table(['stack', 'statuses, in order', 'outputs', 'values its resources read from lookups'], report.stacks.map((s) => [
      s.stackName,
      s.history.join(' → '),
      Object.entries(s.outputs).map(([k, v]) => `${k}=${v}`).join(', '),
      Object.entries(s.consumed).map(([k, v]) => `${k}=${v}`).join(', '),
    ])));
    const responses = report.steps.map((s) => s.responses);
    console.log(`\n${report.steps.length} events in ${Date.now() - started} ms; responses per event: ${[...new Set(responses)].join(', ')}; largest body ${Math.max(...report.steps.map((s) => s.bodyBytes ?? 0))} bytes.`);

    await demoWatch(assembly.getStackByName('ProfilesLookups'), env);

    await demoSynthTime();
  } finally {
    await env.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function attributesTable(steps: StepReport[]): string {
  const names = Object.keys(steps[0]?.data ?? {});
  return table(['attribute', ...steps.map((s) => `${s.stackName}/${s.logicalId}`)], names.map((n) => [n, ...steps.map((s) => s.data![n] || '""')]));
}

function table(header: string[], rows: string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map(escape).join(' | ')} |`).join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
