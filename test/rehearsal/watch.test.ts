import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { EventStreamLookup, EventStreamWatch } from '../../src';
import { RETAIL_WORLD, seedRetailWorld, stopOrders } from '../../tools/demo/world';
import { RehearsalEnvironment } from '../../tools/rehearsal/environment';
import { WatchRehearsal } from '../../tools/rehearsal/watch';

/**
 * The watch end to end, on a virtual clock: the bundled check from cdk.out, run as Lambda against
 * the stand-ins, its EMF lines checked against the specification, and its alarms evaluated as
 * CloudWatch evaluates them: a stream that stops and runs again, a watch of a synth-time lookup and
 * of a partner's stream through its role, a check that fails and one that goes silent, throttling.
 */

const w = RETAIL_WORLD;
let env: RehearsalEnvironment;
let outdir: string;
let assembly: CloudAssembly;

/** A stack watching `orders` (deploy time), `returns` (synth time, cached as the CLI caches it) and the partner's stream. */
function watchApp(): CloudAssembly {
  const app = new App({ outdir, context: { [EventStreamLookup.REFRESH_CONTEXT_KEY]: 'watch-test' } });
  app.node.setContext(
    `cc-api-provider:account=${w.account}:exactIdentifier=${w.domainName}|returns:propertiesToReturn.0=EventStreamArn:propertiesToReturn.1=Uri:propertiesToReturn.2=State:propertiesToReturn.3=CreatedAt:region=${w.region}:typeName=AWS$:$:CustomerProfiles$:$:EventStream`,
    [{
      EventStreamArn: `arn:aws:profile:${w.region}:${w.account}:domains/${w.domainName}/event-streams/returns`,
      Uri: `arn:aws:kinesis:${w.region}:${w.account}:stream/retail-returns`,
      State: 'STOPPED',
      CreatedAt: '2026-05-20T14:00:00Z',
      Identifier: `${w.domainName}|returns`,
    }],
  );
  const stack = new Stack(app, 'Watched', { env: { account: w.account, region: w.region } });
  const orders = new EventStreamLookup(stack, 'Orders', { domainName: w.domainName, eventStreamName: 'orders' });
  const returns = EventStreamLookup.fromLookup(stack, 'Returns', { domainName: w.domainName, eventStreamName: 'returns' });
  const partner = new EventStreamLookup(stack, 'Partner', {
    domainName: w.partnerDomain, eventStreamName: 'orders', roleArn: w.partnerRole, externalId: w.partnerExternalId,
  });
  new EventStreamWatch(stack, 'Watch', { streams: [orders, returns, partner] });
  return app.synth();
}

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-watch-'));
  assembly = watchApp();
  env = await RehearsalEnvironment.start({ account: w.account, region: w.region });
});
beforeEach(() => seedRetailWorld(env));
afterAll(async () => {
  await env.stop();
  fs.rmSync(outdir, { recursive: true, force: true });
});

const alarm = (watch: WatchRehearsal, name: string) => watch.alarmIds.find((id) => id.startsWith(`Watch${name}`))!;

test('metrics for each state, and the stopped alarm going to ALARM when a stream stops, then OK when it runs again', async () => {
  const watch = WatchRehearsal.of(assembly.getStackByName('Watched'), env);
  const stopped = alarm(watch, 'StoppedAlarm');
  const unhealthy = alarm(watch, 'DestinationUnhealthyAlarm');
  const first = await watch.check();
  expect(first.outcome).toBe('settled');
  expect(first.emfProblems).toEqual([]);
  // returns (the synth-time lookup) is STOPPED with an UNHEALTHY destination in the retail world.
  expect(first.metrics).toEqual({
    'Exists{retail-profiles/orders}': 1,
    'Running{retail-profiles/orders}': 1,
    'DestinationHealthy{retail-profiles/orders}': 1,
    'Exists{retail-profiles/returns}': 1,
    'Running{retail-profiles/returns}': 0,
    'DestinationHealthy{retail-profiles/returns}': 0,
    'Exists{partner-profiles/orders}': 1,
    'Running{partner-profiles/orders}': 1,
    'DestinationHealthy{partner-profiles/orders}': 1,
    'StreamsNotRunning{Watched/Watch}': 1,
    'DestinationsUnhealthy{Watched/Watch}': 1,
    'StreamsMissing{Watched/Watch}': 0,
    'StreamsUnread{Watched/Watch}': 0,
  });
  expect(first.alarms[stopped]).toBe('ALARM');
  expect(first.alarms[unhealthy]).toBe('ALARM');
  // One ListEventStreams for retail-profiles (two watched streams), one GetEventStream for the partner's, through its role.
  expect(env.profiles.listRequestsFor(w.domainName).length).toBeGreaterThanOrEqual(1);
  expect(env.profiles.requestsFor(w.partnerDomain, 'orders').at(-1)?.accessKeyId).not.toBe(env.profiles.requestsFor(w.domainName, 'orders').at(-1)?.accessKeyId);

  // The returns stream runs again: every alarm OK.
  env.profiles.putStream(w.domainName, 'returns', { createdAt: new Date('2026-05-20T14:00:00Z'), state: 'RUNNING', destination: { uri: 'arn:aws:kinesis:us-east-1:123456789012:stream/retail-returns', status: 'HEALTHY' } });
  const second = await watch.check();
  expect(second.transitions.map((t) => [t.alarm, t.from, t.to])).toEqual(expect.arrayContaining([[stopped, 'ALARM', 'OK'], [unhealthy, 'ALARM', 'OK']]));
  expect(second.transitions[0].event).toMatchObject({ 'source': 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change' });

  // orders stops after the deployment: ALARM at the end of that period; it runs again: OK.
  stopOrders(env);
  const third = await watch.check();
  expect(third.metrics['Running{retail-profiles/orders}']).toBe(0);
  expect(third.transitions.map((t) => [t.alarm, t.to])).toEqual([[stopped, 'ALARM']]);
  seedRetailWorld(env);
  env.profiles.putStream(w.domainName, 'returns', { createdAt: new Date('2026-05-20T14:00:00Z'), state: 'RUNNING', destination: { uri: 'arn:aws:kinesis:us-east-1:123456789012:stream/retail-returns', status: 'HEALTHY' } });
  const fourth = await watch.check();
  expect(fourth.transitions.map((t) => [t.alarm, t.to])).toEqual([[stopped, 'OK']]);
}, 60_000);

test('a missing stream: Exists 0 and the missing alarm', async () => {
  const watch = WatchRehearsal.of(assembly.getStackByName('Watched'), env);
  env.profiles.deleteStream(w.domainName, 'orders');
  const report = await watch.check();
  expect(report.metrics['Exists{retail-profiles/orders}']).toBe(0);
  expect(report.metrics['Running{retail-profiles/orders}']).toBeUndefined();
  expect(report.alarms[alarm(watch, 'MissingAlarm')]).toBe('ALARM');
}, 60_000);

test('the check alarm: a failed check (access denied) is ALARM at once; a silent schedule is ALARM once the range holds no datapoint', async () => {
  const watch = WatchRehearsal.of(assembly.getStackByName('Watched'), env);
  const check = alarm(watch, 'CheckAlarm');
  expect((await watch.check()).alarms[check]).toBe('OK');
  env.profiles.scriptList(w.domainName, { kind: 'error', type: 'AccessDeniedException', message: 'not authorized to perform: profile:ListEventStreams' });
  const failed = await watch.check();
  expect(failed.outcome).toBe('rejected');
  expect(failed.logs.join('\n')).toMatch(/2 of 3 watched streams could not be read: retail-profiles\/orders \(us-east-1\): AccessDeniedException/);
  expect(failed.metrics['StreamsUnread{Watched/Watch}']).toBe(2);
  // Only the check alarm moves: the counts are not written while streams are unread.
  expect(failed.metrics['StreamsNotRunning{Watched/Watch}']).toBeUndefined();
  expect(failed.transitions.map((t) => [t.alarm, t.to])).toEqual([[check, 'ALARM']]);
  expect((await watch.check()).alarms[check]).toBe('OK');
  // Silent: no invocation. Real datapoints of the range are used first (1 evaluation period, a
  // range of 3): the third silent period has none left, and missing data is breaching.
  const silent = [await watch.check({ skip: true }), await watch.check({ skip: true }), await watch.check({ skip: true })];
  expect(silent.map((r) => r.alarms[check])).toEqual(['OK', 'OK', 'ALARM']);
  // Meanwhile the other alarms keep their state (missing data ignored).
  expect(silent[2].alarms[alarm(watch, 'StoppedAlarm')]).toBe(silent[0].alarms[alarm(watch, 'StoppedAlarm')]);
}, 60_000);

test('throttling during a check: the account\'s rate limit refuses calls, the check retries within its budget and reads every stream', async () => {
  const watch = WatchRehearsal.of(assembly.getStackByName('Watched'), env);
  env.profiles.rateLimit({ requestsPerSecond: 1, burst: 1 });
  try {
    const before = env.profiles.throttledRequests;
    const report = await watch.check();
    expect(report.outcome).toBe('settled');
    expect(report.metrics['StreamsUnread{Watched/Watch}']).toBe(0);
    const done = JSON.parse(report.logs.find((l) => l.includes('"check done"'))!);
    expect(done.throttled).toBeGreaterThanOrEqual(0);
    expect(env.profiles.throttledRequests - before).toBe(done.throttled);
  } finally {
    env.profiles.rateLimit(undefined);
  }
}, 60_000);
