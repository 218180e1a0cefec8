import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { RETAIL_WORLD, seedRetailWorld, stopOrders } from './world';
import { RehearsalEnvironment } from '../rehearsal/environment';
import { CheckReport, WatchRehearsal } from '../rehearsal/watch';

/**
 * The demo's watch section: the example's EventStreamWatch after the deployment, on a virtual clock
 * (one check per 5-minute period, no waiting). `orders` stops, then runs again; then the check fails
 * (access denied on GetEventStream) and the check alarm fires. Prints the metrics each check wrote
 * and every alarm's state after each period.
 */
export async function demoWatch(stack: CloudFormationStackArtifact, env: RehearsalEnvironment): Promise<void> {
  seedRetailWorld(env);
  const watch = WatchRehearsal.of(stack, env);
  const alarmNames = watch.alarmIds.map((id) => id.replace(/^Watch/, '').replace(/[0-9A-F]{8}$/, ''));
  console.log('\n## After the deployment: the watch\n');
  console.log(`${stack.stackName}'s EventStreamWatch reads orders and the partner's stream every ${watch.intervalMs / 60_000} minutes (virtual clock); every EMF line is checked against the specification, and the alarms are evaluated as CloudWatch evaluates them.\n`);
  const DENIED = { kind: 'error', type: 'AccessDeniedException', message: 'not authorized to perform: profile:GetEventStream' } as const;
  const steps: Array<[string, () => void, { skip?: boolean }?]> = [
    ['both streams running', () => undefined],
    ['orders stopped after the deployment', () => stopOrders(env)],
    ['orders still stopped', () => undefined],
    ['orders running again', () => seedRetailWorld(env)],
    ['the check fails: GetEventStream of orders access denied', () => env.profiles.script(RETAIL_WORLD.domainName, 'orders', DENIED)],
    ['the check reads again', () => undefined],
  ];
  const rows: string[][] = [];
  const transitions: string[] = [];
  for (const [what, change, options] of steps) {
    change();
    const report: CheckReport = await watch.check(options);
    if (report.emfProblems.length > 0) {
      throw new Error(`the watch wrote EMF that breaks the specification: ${report.emfProblems.join('; ')}`);
    }
    const m = report.metrics;
    const streams = ['retail-profiles/orders', 'partner-profiles/orders']
      .map((s) => `${s}: Running=${m[`Running{${s}}`] ?? '-'} Healthy=${m[`DestinationHealthy{${s}}`] ?? '-'} Exists=${m[`Exists{${s}}`] ?? '-'}`)
      .join('; ');
    rows.push([report.time.slice(11, 16), what, report.outcome, streams, watch.alarmIds.map((id, i) => `${alarmNames[i]}=${report.alarms[id]}`).join(', ')]);
    for (const t of report.transitions) {
      transitions.push(`| ${t.event.time.slice(11, 16)} | ${t.alarm} | ${t.from} → ${t.to} | \`${t.event['detail-type']}\` (source \`${t.event.source}\`) |`);
    }
  }
  console.log(table(['check', 'what changed', 'invocation', 'metrics written', 'alarms after the period'], rows));
  console.log('\n### Alarm state changes (each reaches EventBridge as an event)\n');
  console.log(['| evaluated at (end of the period) | alarm | change | EventBridge event |', '|---|---|---|---|', ...transitions].join('\n'));
}

function table(header: string[], rows: string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map(escape).join(' | ')} |`).join('\n');
}
