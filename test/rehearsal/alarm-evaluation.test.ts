import { AlarmDefinition, AlarmState, evaluateAlarm, evaluationRange, MissingData } from '../../tools/cloudwatch/alarm';

/**
 * The alarm model against the worked examples of the CloudWatch User Guide ("How alarm state is
 * evaluated when data is missing"): each row is a range of 5 datapoints, oldest first (0 not
 * breaching, X breaching, - missing), and the state for each missing-data treatment. "Retain current
 * state" is checked from both OK and ALARM.
 */

const RETAIN = 'retain';
type Expected = AlarmState | typeof RETAIN;
type Row = [string, Expected, Expected, Expected, Expected];

const COLUMNS: MissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

function parse(points: string): Array<number | undefined> {
  return points.split(' ').map((p) => (p === '-' ? undefined : p === 'X' ? 5 : 1));
}

function check(n: number, m: number, rows: Row[]): void {
  for (const [points, ...expected] of rows) {
    COLUMNS.forEach((treatMissingData, column) => {
      const definition: AlarmDefinition = { threshold: 3, comparison: 'GreaterThanThreshold', evaluationPeriods: n, datapointsToAlarm: m, treatMissingData };
      for (const current of ['OK', 'ALARM'] as AlarmState[]) {
        const want = expected[column] === RETAIN ? current : expected[column];
        expect({ points, treatMissingData, current, state: evaluateAlarm(definition, parse(points), current) })
          .toEqual({ points, treatMissingData, current, state: want });
      }
    });
  }
}

test('the range holds 5 datapoints for 3 evaluation periods, as in the guide', () => {
  expect(evaluationRange(3)).toBe(5);
});

test('first table: Datapoints to Alarm 3, Evaluation Periods 3', () => {
  check(3, 3, [
    ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
    ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
    ['- - - - -', 'INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK'],
    ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
    ['- - - - X', 'INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK'],
    ['X - - - -', 'ALARM', RETAIN, 'ALARM', 'OK'],
  ]);
});

test('second table: 2 out of 3', () => {
  check(3, 2, [
    ['0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
    ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
    ['0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
    ['- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
    ['- - - - X', 'INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK'],
  ]);
});

test('the guide\'s figure: 3 of 3 over a threshold of 3 units goes to ALARM on the third breach and back to OK on the first dip', () => {
  const definition: AlarmDefinition = { threshold: 3, comparison: 'GreaterThanThreshold', evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing' };
  const values = [1, 2, 4, 5, 4, 2, 1, 2, 4, 2];
  let state: AlarmState = 'INSUFFICIENT_DATA';
  const states: AlarmState[] = [];
  values.forEach((_, i) => {
    const range = values.slice(Math.max(0, i + 1 - evaluationRange(3)), i + 1);
    const padded = [...Array(evaluationRange(3) - range.length).fill(undefined), ...range];
    state = evaluateAlarm(definition, padded, state);
    states.push(state);
  });
  expect(states).toEqual(['OK', 'OK', 'OK', 'OK', 'ALARM', 'OK', 'OK', 'OK', 'OK', 'OK']);
});

test('each comparison operator', () => {
  const base = { threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'missing' as const };
  const at = (comparison: AlarmDefinition['comparison'], value: number) => evaluateAlarm({ ...base, comparison }, [value], 'OK');
  expect([at('GreaterThanOrEqualToThreshold', 1), at('GreaterThanOrEqualToThreshold', 0)]).toEqual(['ALARM', 'OK']);
  expect([at('GreaterThanThreshold', 2), at('GreaterThanThreshold', 1)]).toEqual(['ALARM', 'OK']);
  expect([at('LessThanThreshold', 0), at('LessThanThreshold', 1)]).toEqual(['ALARM', 'OK']);
  expect([at('LessThanOrEqualToThreshold', 1), at('LessThanOrEqualToThreshold', 2)]).toEqual(['ALARM', 'OK']);
});
