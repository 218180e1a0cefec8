import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE, exampleApp } from './example-app';
import { RehearsalEnvironment } from '../rehearsal/environment';
import { rehearse, StepReport } from '../rehearsal/rehearse';

/**
 * The main job: synthesize the example app, seed a local Customer Profiles with a sample domain
 * (one RUNNING stream with a HEALTHY destination, one STOPPED with an UNHEALTHY one) and a partner
 * account reached through an assumed role, rehearse the
 * deployment with the bundled handler from cdk.out, and print what CloudFormation would have seen.
 */
async function main(): Promise<void> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-demo-'));
  const env = await RehearsalEnvironment.start({ account: EXAMPLE.account, region: EXAMPLE.region });
  try {
    const kinesis = (name: string) => `arn:aws:kinesis:${EXAMPLE.region}:${EXAMPLE.account}:stream/${name}`;
    env.profiles
      .putStream(EXAMPLE.domainName, EXAMPLE.runningStream, {
        createdAt: new Date('2026-03-02T09:30:00Z'),
        state: 'RUNNING',
        destination: { uri: kinesis('retail-orders'), status: 'HEALTHY' },
        tags: { team: 'retail' },
      })
      .putStream(EXAMPLE.domainName, EXAMPLE.stoppedStream, {
        createdAt: new Date('2026-05-20T14:00:00Z'),
        state: 'STOPPED',
        stoppedSince: new Date('2026-11-30T08:00:00Z'),
        destination: {
          uri: kinesis('retail-returns'),
          status: 'UNHEALTHY',
          unhealthySince: new Date('2026-11-30T07:55:00Z'),
          message: 'Kinesis stream retail-returns: AccessDeniedException on PutRecords',
        },
      });

    // The partner account lets the lookup's role in, with the agreed external ID.
    env.sts.addRole(EXAMPLE.partnerRole, { externalId: EXAMPLE.partnerExternalId });
    env.profiles.putStream(EXAMPLE.partnerDomain, EXAMPLE.runningStream, {
      eventStreamArn: `arn:aws:profile:${EXAMPLE.region}:210987654321:domains/${EXAMPLE.partnerDomain}/event-streams/${EXAMPLE.runningStream}`,
      createdAt: new Date('2026-07-07T07:07:07Z'),
      state: 'RUNNING',
      destination: { uri: `arn:aws:kinesis:${EXAMPLE.region}:210987654321:stream/partner-orders`, status: 'HEALTHY' },
    });

    const synthStarted = Date.now();
    const assembly = exampleApp(outdir).synth();
    console.log(`Synthesized ${assembly.stacks.length} stacks into ${outdir} in ${Date.now() - synthStarted} ms.`);
    console.log(`Local Customer Profiles at ${env.profiles.endpoint}; responses received over HTTPS by a strict S3 stand-in.\n`);

    const started = Date.now();
    const report = await rehearse(assembly, env);

    console.log('## Events, as CloudFormation would see them\n');
    console.log(table(['stack', 'lookup', 'request', 'status', 'ms', 'reason'], report.steps.map((s) => [
      s.stackName, s.logicalId, `${s.requestType}${s.rollback ? ' (rollback)' : ''}`, s.status, String(s.durationMs), s.reason,
    ])));

    console.log('\n## Attributes returned on Create\n');
    const creates = report.steps.filter((s) => s.requestType === 'Create' && s.data);
    console.log(attributesTable(creates));

    console.log('\n## Stacks\n');
    console.log(table(['stack', 'status', 'outputs'], report.stacks.map((s) => [
      s.stackName, s.status, Object.entries(s.outputs).map(([k, v]) => `${k}=${v}`).join(', '),
    ])));
    const responses = report.steps.map((s) => s.responses);
    console.log(`\n${report.steps.length} events in ${Date.now() - started} ms; responses per event: ${[...new Set(responses)].join(', ')}; largest body ${Math.max(...report.steps.map((s) => s.bodyBytes ?? 0))} bytes.`);
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
