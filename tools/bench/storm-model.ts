import { retryBackoffMs } from '../../lambda/lookup';
import { queueAheadMs, QueueMemory, queueMemory, rememberedQueueMs, spreadMs, StormClock, stormClock } from '../../lambda/pacing';
import { ApiRate, DOCUMENTED_RATE, StormPlan, stormSeconds } from '../../src/wire/storm';
import { TokenBucket } from '../stand-ins/token-bucket';

/**
 * A model of a cold storm on a virtual clock: the handler's own pacing (lambda/pacing.ts and
 * `retryBackoffMs`) against the service's token bucket, for invocations that start at different
 * times after CloudFormation's request. A rehearsal (tools/rehearsal/storm.ts) takes a minute per
 * storm and shows one machine's start-up; the model takes milliseconds and shows how the pacing
 * fares under each kind of start-up, so a change to it can be judged before it is rehearsed.
 * It leaves out what calls cost the machine and the network's time, so rehearsals cost more calls.
 *
 * `npx projen storm-model` prints a table; test/handler/storm-model.test.ts holds the pacing to it.
 */

/** When the invocations of a storm start, in seconds after CloudFormation's request. */
export enum StartUp {
  /** Environments initialized before the storm (the bench's pool): all within half a second. */
  TOGETHER = 'together',
  /** Lambda's cold starts, each environment on its own CPU: 0.3 to 1.5 s. */
  LAMBDA_COLD = 'lambda-cold',
  /** One process after another on a busy host (fresh processes on 2 cores): 0.15 s apart. */
  STAGGERED = 'staggered',
  /** All late, together: the events held back until every process had started (a harness that blocks while it starts them). */
  LATE_TOGETHER = 'late-together',
}

export const START_UPS = Object.values(StartUp);

/** The invocations' start times, in ms after the request. */
export function startTimes(startUp: StartUp, lookups: number, random: () => number): number[] {
  const uniform = (from: number, to: number) => Math.round((from + (to - from) * random()) * 1000);
  switch (startUp) {
    case StartUp.TOGETHER:
      return Array.from({ length: lookups }, () => uniform(0, 0.5));
    case StartUp.LAMBDA_COLD:
      return Array.from({ length: lookups }, () => uniform(0.3, 1.5));
    case StartUp.STAGGERED:
      return Array.from({ length: lookups }, () => uniform(0.5, 0.5 + 0.15 * lookups));
    case StartUp.LATE_TOGETHER:
      return Array.from({ length: lookups }, () => uniform(0.085 * lookups, 0.13 * lookups));
  }
}

/** How a modelled storm went. */
export interface ModelledStorm {
  readonly startUp: StartUp;
  readonly lookups: number;
  /** `(N - burst) / rate`, as the bench's ideal. */
  readonly idealSeconds: number;
  /** The last answer, in seconds after the request. */
  readonly wallSeconds: number;
  /** The soonest the rate limit could have answered everyone, given when they started (one call each, in order of start). */
  readonly soonestSeconds: number;
  readonly callsPerLookup: number;
}

/** A seeded generator (Park and Miller's MINSTD, exact in doubles), so that a model run is repeatable. */
export function seededRandom(seed: number): () => number {
  const modulus = 2_147_483_647;
  let state = 1 + (Math.abs(Math.floor(seed)) % (modulus - 1));
  return () => {
    state = (state * 48_271) % modulus;
    return (state - 1) / (modulus - 1);
  };
}

/** Calls due on a virtual clock, made soonest first against the service's rate limit. */
class DueCalls<T> {
  /** The virtual clock: the time of the last call made (ms after the request). */
  public now = 0;
  public calls = 0;
  private readonly due: { at: number; caller: T }[] = [];
  private readonly bucket: TokenBucket;

  constructor(rate: ApiRate) {
    this.bucket = new TokenBucket(rate, () => this.now);
  }

  public add(at: number, caller: T): void {
    this.due.push({ at, caller });
  }

  /** Makes the soonest call: who made it and whether the rate limit let it through; none once nothing is due. */
  public next(): { caller: T; passed: boolean } | undefined {
    if (this.due.length === 0) {
      return undefined;
    }
    const soonest = this.due.reduce((best, d, i) => (d.at < this.due[best].at ? i : best), 0);
    const { at, caller } = this.due.splice(soonest, 1)[0];
    this.now = at;
    this.calls++;
    return { caller, passed: this.bucket.take() };
  }
}

/**
 * One storm: every invocation cold, its request signed at 0, its first call after the handler's
 * spread, each throttled call retried after the handler's backoff over the queue ahead.
 */
export function modelStorm(startUp: StartUp, lookups: number, seed: number, rate: ApiRate = DOCUMENTED_RATE): ModelledStorm {
  const random = seededRandom(seed);
  const plan: StormPlan = { lookups, rate };
  const calls = new DueCalls<number>(rate);
  const starts = startTimes(startUp, lookups, random);
  const lookupsState = starts.map((start) => ({ storm: stormClock(0, start), retry: 0 }));
  starts.forEach((start, i) => calls.add(start + spreadMs(plan, random(), lookupsState[i].storm.lateMs), i));
  let wall = 0;
  for (let call = calls.next(); call; call = calls.next()) {
    const { now } = calls;
    if (call.passed) {
      wall = Math.max(wall, now);
      continue;
    }
    const state = lookupsState[call.caller];
    state.retry++;
    const queue = queueAheadMs(plan, state.storm, now, state.retry);
    calls.add(now + retryBackoffMs(state.retry, random(), queue), call.caller);
  }
  return {
    startUp,
    lookups,
    idealSeconds: stormSeconds(plan),
    wallSeconds: wall / 1000,
    soonestSeconds: soonestSeconds(starts, rate),
    callsPerLookup: calls.calls / lookups,
  };
}

/**
 * One storm under a concurrency limit (a new account's 10 executions): `concurrency` environments
 * take the lookups in the order CloudFormation sent them (all at 0), each the next as soon as it is
 * free. An environment's first lookup is cold (the storm's pacing); each later one is warm, paced by
 * what the environment remembers of the throttling its last lookup met (`rememberedQueueMs`).
 */
export function modelPool(lookups: number, concurrency: number, seed: number, rate: ApiRate = DOCUMENTED_RATE): ModelledStorm {
  const random = seededRandom(seed);
  const plan: StormPlan = { lookups, rate };
  interface Running { environment: number; storm?: StormClock; remembered: number; retry: number; firstThrottledAt?: number }
  const calls = new DueCalls<Running>(rate);
  const memories: (QueueMemory | undefined)[] = Array.from({ length: concurrency }, () => undefined);
  let started = 0;
  const begin = (environment: number, cold: boolean) => {
    if (started >= lookups) {
      return;
    }
    started++;
    const { now } = calls;
    const clock = stormClock(0, now);
    const remembered = cold ? 0 : rememberedQueueMs(plan, memories[environment], now, clock);
    const delay = cold ? spreadMs(plan, random(), clock.lateMs) : Math.floor(random() * remembered);
    calls.add(now + delay, { environment, storm: cold ? clock : undefined, remembered, retry: 0 });
  };
  for (let environment = 0; environment < Math.min(concurrency, lookups); environment++) {
    begin(environment, true);
  }
  for (let call = calls.next(); call; call = calls.next()) {
    const { now } = calls;
    const lookup = call.caller;
    if (call.passed) {
      memories[lookup.environment] = queueMemory(lookup.firstThrottledAt, now);
      begin(lookup.environment, false);
      continue;
    }
    lookup.retry++;
    lookup.firstThrottledAt ??= now;
    const queue = lookup.storm ? queueAheadMs(plan, lookup.storm, now, lookup.retry) : lookup.remembered;
    calls.add(now + retryBackoffMs(lookup.retry, random(), queue), lookup);
  }
  return {
    startUp: StartUp.TOGETHER,
    lookups,
    idealSeconds: stormSeconds(plan),
    wallSeconds: calls.now / 1000,
    soonestSeconds: stormSeconds(plan),
    callsPerLookup: calls.calls / lookups,
  };
}

/** The rate limit serving one call per invocation, in order of start, as soon as each has started and a token is there. */
function soonestSeconds(starts: number[], rate: ApiRate): number {
  let now = 0;
  const bucket = new TokenBucket(rate, () => now);
  for (const start of [...starts].sort((a, b) => a - b)) {
    now = Math.max(now, start);
    while (!bucket.take()) {
      now += 1; // 1 ms steps: exact enough for seconds
    }
  }
  return now / 1000;
}

/** The worst of `runs` seeded storms of each start-up, and under concurrency limits: wall against the ideal, the soonest possible, calls per lookup. */
export function modelTable(lookups: number, runs: number, concurrencies: number[] = [10]): string {
  const row = (name: string, storms: ModelledStorm[]) => {
    const worst = (f: (s: ModelledStorm) => number) => Math.max(...storms.map(f));
    return `| ${name} | ${worst((s) => s.wallSeconds / s.idealSeconds).toFixed(2)}x | ${worst((s) => s.soonestSeconds / s.idealSeconds).toFixed(2)}x | ${worst((s) => s.callsPerLookup).toFixed(2)} |`;
  };
  const seeds = Array.from({ length: runs }, (_, i) => i + 1);
  return [
    `${lookups} lookups at ${DOCUMENTED_RATE.requestsPerSecond}/s, burst ${DOCUMENTED_RATE.burst}; the worst of ${runs} seeded storms per start-up:`,
    '',
    '| start-up | wall / ideal | soonest possible / ideal | calls per lookup |',
    '|---|---|---|---|',
    ...START_UPS.map((startUp) => row(startUp, seeds.map((seed) => modelStorm(startUp, lookups, seed)))),
    ...concurrencies.map((c) => row(`${c} concurrent executions (warm after their first)`, seeds.map((seed) => modelPool(lookups, c, seed)))),
  ].join('\n');
}

if (require.main === module) {
  const lookups = Number(process.env.MODEL_LOOKUPS ?? 200);
  console.log(modelTable(lookups, Number(process.env.MODEL_RUNS ?? 10)));
}
