import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { functionSpec } from './assembly';
import { RehearsalEnvironment } from './environment';
import { resolve } from './intrinsics';
import { invokeLambda, LambdaFunctionSpec } from './lambda-process';
import { scopeFor } from './stack-scope';
import { AlarmDefinition, AlarmState, Comparison, evaluateAlarm, evaluationRange, MissingData } from '../cloudwatch/alarm';
import { checkEmf, isEmfCandidate } from '../cloudwatch/emf';

/**
 * The watch after deployment, on a virtual clock: each check is the bundled watch function from
 * cdk.out, run as Lambda runs it (a fresh process, the scheduled event's input from the template)
 * against the stand-ins; each line it writes that means to be EMF is checked against the
 * specification (tools/cloudwatch/emf.ts) and its datapoints are filed at the check's virtual time;
 * the invocation gives Lambda's `Errors` datapoint; then every alarm of the watch is evaluated at the
 * end of the period as CloudWatch does (tools/cloudwatch/alarm.ts). Time advances one interval per
 * check without waiting; a check can be skipped (the schedule went silent).
 */

/** A statistic over one period's values. */
type Statistic = 'Maximum' | 'Minimum' | 'Sum' | 'Average' | 'SampleCount';

interface WatchedAlarm {
  readonly logicalId: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: Statistic;
  readonly periodMs: number;
  readonly definition: AlarmDefinition;
}

/** A state change, and the event EventBridge would receive for it. */
export interface AlarmTransition {
  readonly alarm: string;
  readonly from: AlarmState;
  readonly to: AlarmState;
  readonly event: {
    readonly 'source': 'aws.cloudwatch';
    readonly 'detail-type': 'CloudWatch Alarm State Change';
    readonly 'time': string;
    readonly 'detail': { readonly alarmName: string; readonly state: { readonly value: AlarmState }; readonly previousState: { readonly value: AlarmState } };
  };
}

/** What one period of the watch showed. */
export interface CheckReport {
  /** The check's virtual time (ISO-8601). */
  readonly time: string;
  /** How the invocation ended, or `skipped` when no check ran. */
  readonly outcome: string;
  /** The datapoints the check wrote: `Metric{dimension values}` -> value. */
  readonly metrics: Record<string, number>;
  /** Lines that meant to be EMF but break the specification (always empty for this watch). */
  readonly emfProblems: string[];
  /** Every alarm's state after the period, by logical id. */
  readonly alarms: Record<string, AlarmState>;
  readonly transitions: AlarmTransition[];
  readonly logs: string[];
}

const PERIOD_OFFSET_MS = 30_000;

export class WatchRehearsal {
  /** Finds the watch (its schedule rule and function) in a synthesized stack. */
  public static of(stack: CloudFormationStackArtifact, env: RehearsalEnvironment, start = Date.parse('2026-12-01T00:00:00Z')): WatchRehearsal {
    const scope = scopeFor(stack, env, new Map(), new Map(), new Map());
    const resources = stack.template.Resources as Record<string, any>;
    const rules = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Events::Rule' && /^rate\(/.test(r.Properties?.ScheduleExpression ?? ''));
    if (rules.length !== 1) {
      throw new Error(`${stack.stackName}: expected one scheduled rule (an EventStreamWatch), found ${rules.length}`);
    }
    const rule = rules[0][1].Properties;
    const target = rule.Targets[0];
    const functionLogicalId = target.Arn['Fn::GetAtt'][0];
    const fn = functionSpec(stack, functionLogicalId, (v) => resolve(v, scope));
    const input = JSON.parse(resolve(target.Input, scope));
    const [, amount, unit] = /^rate\((\d+) (minutes?|hours?)\)$/.exec(rule.ScheduleExpression)!;
    const intervalMs = Number(amount) * (unit.startsWith('hour') ? 3_600_000 : 60_000);
    const alarms: WatchedAlarm[] = [];
    for (const [logicalId, r] of Object.entries(resources)) {
      if (r.Type !== 'AWS::CloudWatch::Alarm') {
        continue;
      }
      const p = r.Properties;
      let dimensions: Record<string, string>;
      try {
        dimensions = Object.fromEntries((p.Dimensions ?? []).map((d: any) => [d.Name, String(resolve(d.Value, scope))]));
      } catch {
        continue; // an alarm on a value only a deployed lookup gives (a silence alarm's destination)
      }
      alarms.push({
        logicalId,
        namespace: p.Namespace,
        metricName: p.MetricName,
        dimensions,
        statistic: p.Statistic,
        periodMs: Number(p.Period) * 1000,
        definition: {
          threshold: Number(p.Threshold),
          comparison: p.ComparisonOperator as Comparison,
          evaluationPeriods: Number(p.EvaluationPeriods),
          datapointsToAlarm: Number(p.DatapointsToAlarm ?? p.EvaluationPeriods),
          treatMissingData: (p.TreatMissingData ?? 'missing') as MissingData,
        },
      });
    }
    return new WatchRehearsal(env, stack, functionLogicalId, fn, input, intervalMs, alarms, start);
  }

  /** Every datapoint so far: metric key -> [time, value]. */
  private readonly store = new Map<string, Array<[number, number]>>();
  private readonly states = new Map<string, AlarmState>();
  private period = 0;

  private constructor(
    private readonly env: RehearsalEnvironment,
    private readonly stack: CloudFormationStackArtifact,
    private readonly functionLogicalId: string,
    public readonly fn: LambdaFunctionSpec,
    /** The scheduled event, as the rule sends it. */
    public readonly input: unknown,
    public readonly intervalMs: number,
    private readonly alarms: WatchedAlarm[],
    private readonly start: number,
  ) {
    for (const alarm of alarms) {
      this.states.set(alarm.logicalId, 'INSUFFICIENT_DATA');
    }
  }

  /** The alarms' logical ids. */
  public get alarmIds(): string[] {
    return this.alarms.map((a) => a.logicalId);
  }

  /** Runs the period's check (or skips it), then evaluates the alarms at the period's end. */
  public async check(options: { skip?: boolean } = {}): Promise<CheckReport> {
    const periodStart = this.start + this.period * this.intervalMs;
    const time = periodStart + PERIOD_OFFSET_MS;
    const metrics: Record<string, number> = {};
    const emfProblems: string[] = [];
    let outcome = 'skipped';
    let logs: string[] = [];
    if (!options.skip) {
      // Signed as a session of the watch's execution role, which the IAM stand-ins authorize.
      const result = await invokeLambda(this.fn, this.input, this.env.runtimeVariablesFor(this.stack, this.functionLogicalId));
      outcome = result.outcome;
      logs = result.logs;
      for (const line of logs.filter(isEmfCandidate)) {
        const { problems, datapoints } = checkEmf(line);
        emfProblems.push(...problems);
        for (const p of datapoints) {
          this.record(p.namespace, p.metricName, p.dimensions, time, p.value);
          metrics[`${p.metricName}{${Object.values(p.dimensions).join('/')}}`] = p.value;
        }
      }
      // Lambda's own metrics for the invocation.
      const fnDims = { FunctionName: this.fn.functionName };
      this.record('AWS/Lambda', 'Invocations', fnDims, time, 1);
      this.record('AWS/Lambda', 'Errors', fnDims, time, outcome === 'settled' ? 0 : 1);
    }
    this.period++;
    const evaluatedAt = periodStart + this.intervalMs;
    const transitions: AlarmTransition[] = [];
    for (const alarm of this.alarms) {
      const from = this.states.get(alarm.logicalId)!;
      const to = evaluateAlarm(alarm.definition, this.range(alarm, evaluatedAt), from);
      this.states.set(alarm.logicalId, to);
      if (to !== from) {
        transitions.push({
          alarm: alarm.logicalId,
          from,
          to,
          event: {
            'source': 'aws.cloudwatch',
            'detail-type': 'CloudWatch Alarm State Change',
            'time': new Date(evaluatedAt).toISOString(),
            'detail': { alarmName: alarm.logicalId, state: { value: to }, previousState: { value: from } },
          },
        });
      }
    }
    return { time: new Date(time).toISOString(), outcome, metrics, emfProblems, alarms: Object.fromEntries(this.states), transitions, logs };
  }

  private record(namespace: string, metricName: string, dimensions: Record<string, string>, time: number, value: number): void {
    const key = metricKey(namespace, metricName, dimensions);
    const points = this.store.get(key) ?? [];
    points.push([time, value]);
    this.store.set(key, points);
  }

  /** The alarm's evaluation range ending at `end`: one datapoint (the statistic) or none per period, oldest first. */
  private range(alarm: WatchedAlarm, end: number): Array<number | undefined> {
    const points = this.store.get(metricKey(alarm.namespace, alarm.metricName, alarm.dimensions)) ?? [];
    const periods = evaluationRange(alarm.definition.evaluationPeriods);
    const range: Array<number | undefined> = [];
    for (let i = periods; i >= 1; i--) {
      const from = end - i * alarm.periodMs;
      const values = points.filter(([t]) => t >= from && t < from + alarm.periodMs).map(([, v]) => v);
      range.push(values.length === 0 ? undefined : statistic(alarm.statistic, values));
    }
    return range;
  }
}

function metricKey(namespace: string, metricName: string, dimensions: Record<string, string>): string {
  return JSON.stringify([namespace, metricName, Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b))]);
}

function statistic(name: Statistic, values: number[]): number {
  switch (name) {
    case 'Maximum': return Math.max(...values);
    case 'Minimum': return Math.min(...values);
    case 'Sum': return values.reduce((a, b) => a + b, 0);
    case 'Average': return values.reduce((a, b) => a + b, 0) / values.length;
    case 'SampleCount': return values.length;
  }
}
