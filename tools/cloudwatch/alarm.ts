/**
 * CloudWatch's evaluation of a metric alarm, modelled from the CloudWatch User Guide ("Evaluating an
 * alarm" and "How alarm state is evaluated when data is missing"):
 *
 * - each period gives one datapoint (the statistic over the period's values), or none (missing);
 * - CloudWatch retrieves more datapoints than Evaluation Periods: the evaluation range (5 for 3 in
 *   the guide's examples: here `evaluationPeriods + 2`);
 * - if at least Evaluation Periods of them exist, the most recent existing ones are evaluated and the
 *   missing-data treatment is not used;
 * - otherwise the missing ones are filled with the treatment, as few as possible (the most recent
 *   gaps first, every real datapoint of the range kept): `breaching` fills breaching,
 *   `notBreaching` fills not breaching; `ignore` keeps the current state and `missing` goes to
 *   INSUFFICIENT_DATA when the range holds no breaching real datapoint; with `missing`, the real
 *   datapoints alone decide (ALARM when at least Datapoints to Alarm of them breach, OK when a
 *   non-breaching one exists);
 * - ALARM when at least Datapoints to Alarm of the evaluated datapoints breach, else OK.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type MissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';
export type Comparison = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';

export interface AlarmDefinition {
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: MissingData;
}

/** The range's datapoints, oldest first; `undefined` is a missing one. */
export type Datapoints = ReadonlyArray<number | undefined>;

export function breaches(definition: AlarmDefinition, value: number): boolean {
  switch (definition.comparison) {
    case 'GreaterThanOrEqualToThreshold': return value >= definition.threshold;
    case 'GreaterThanThreshold': return value > definition.threshold;
    case 'LessThanThreshold': return value < definition.threshold;
    case 'LessThanOrEqualToThreshold': return value <= definition.threshold;
  }
}

/** Size of the evaluation range for a number of evaluation periods (the guide: 5 for 3). */
export function evaluationRange(evaluationPeriods: number): number {
  return evaluationPeriods + 2;
}

/** The new state, given the range's datapoints (oldest first) and the current state. */
export function evaluateAlarm(definition: AlarmDefinition, range: Datapoints, current: AlarmState): AlarmState {
  const n = definition.evaluationPeriods;
  const m = definition.datapointsToAlarm;
  const real = range.filter((v): v is number => v !== undefined);
  if (real.length >= n) {
    const evaluated = real.slice(-n);
    return evaluated.filter((v) => breaches(definition, v)).length >= m ? 'ALARM' : 'OK';
  }
  const breachingReal = real.filter((v) => breaches(definition, v)).length;
  switch (definition.treatMissingData) {
    case 'breaching':
    case 'notBreaching': {
      // All real datapoints of the range, and as few filled ones as make up Evaluation Periods.
      const filled = n - real.length;
      const breaching = breachingReal + (definition.treatMissingData === 'breaching' ? filled : 0);
      return breaching >= m ? 'ALARM' : 'OK';
    }
    case 'missing':
    case 'ignore': {
      if (breachingReal >= m) {
        return 'ALARM';
      }
      if (real.length > breachingReal) {
        return 'OK';
      }
      if (definition.treatMissingData === 'ignore') {
        return current;
      }
      // The guide's first table, sixth row (X - - - -): with `missing`, a range whose only real
      // datapoints breach and all lie before the last Evaluation Periods goes to ALARM ("the oldest
      // evaluated data point is breaching and there aren't any non-breaching data points"); its fifth
      // row (- - - - X), a breaching one among the last periods but fewer than Datapoints to Alarm,
      // gives INSUFFICIENT_DATA.
      const recent = range.slice(-n).some((v) => v !== undefined);
      return real.length > 0 && !recent ? 'ALARM' : 'INSUFFICIENT_DATA';
    }
  }
}
