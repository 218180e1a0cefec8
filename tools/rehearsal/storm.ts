import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { findLookups, functionSpec } from './assembly';
import { RehearsalEnvironment } from './environment';
import { LambdaPool } from './lambda-pool';
import { rehearse, StepReport } from './rehearse';
import { API_RATE_CONTEXT_KEY, ApiRate } from '../../src/wire/storm';
import { lookupTarget, scaleStack } from '../bench/scale';

/**
 * A throttle storm, rehearsed: one stack of N lookups created at once, as CloudFormation creates
 * independent resources, against a Customer Profiles stand-in limited to `rate` (an account-wide
 * token bucket), each invocation run by the bundled handler in a pool of warm environments, with an
 * optional limit on concurrent executions (the account's) or the function's reserved concurrency.
 * Shared by the storm tests and `npx projen bench`.
 */

export interface StormOptions {
  readonly lookups: number;
  /** The stand-in's limit, which the app is also told to plan for (the context value, when not 5/10). */
  readonly rate: ApiRate;
  /** Concurrent executions the account allows; unset, unlimited. */
  readonly concurrency?: number;
  /** The function's reserved concurrency (ReservedConcurrentExecutions); unset, none. */
  readonly reservedConcurrency?: number;
  /**
   * Each lookup in a fresh process started when CloudFormation invokes it, all at once (a cold
   * storm: every process loads the handler while the others do), instead of a pool of environments
   * initialized before the storm. Not with a concurrency limit.
   */
  readonly fresh?: boolean;
}

export interface StormResult extends StormOptions {
  readonly successes: number;
  /** Every lookup got exactly one response and its invocation ended normally. */
  readonly exactlyOnce: boolean;
  /** Lookups answered later than their ServiceTimeout (counted from CloudFormation's invocation). */
  readonly lateAnswers: number;
  readonly wallSeconds: number;
  /** `(N - burst) / rate`: the soonest the rate limit lets every first call through. */
  readonly idealSeconds: number;
  readonly apiCalls: number;
  readonly throttled: number;
  readonly callsPerSuccess: number;
  readonly serviceTimeoutSeconds: number;
  readonly functionTimeoutSeconds: number;
  readonly longestElapsedSeconds: number;
  readonly longestQueuedSeconds: number;
  readonly peakConcurrency: number;
  readonly coldStarts: number;
  readonly steps: StepReport[];
}

export async function rehearseStorm(options: StormOptions): Promise<StormResult> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-storm-'));
  const { rate } = options;
  const documented = rate.requestsPerSecond === 5 && rate.burst === 10;
  const { app, stack } = scaleStack('EventStreamLookup', options.lookups, 1, outdir, documented ? {} : { [API_RATE_CONTEXT_KEY]: `${rate.requestsPerSecond}/${rate.burst}` });
  if (options.reservedConcurrency !== undefined) {
    const fn = stack.node.findAll().find((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction)!;
    fn.reservedConcurrentExecutions = options.reservedConcurrency;
  }
  const assembly = app.synth();
  const env = await RehearsalEnvironment.start({ account: stack.account, region: stack.region });
  if (options.fresh && (options.concurrency !== undefined || options.reservedConcurrency !== undefined)) {
    throw new Error('a fresh-process storm has no concurrency limit');
  }
  const pool = options.fresh ? undefined : new LambdaPool({ concurrency: options.concurrency });
  try {
    for (let i = 0; i < options.lookups; i++) {
      const { domainName, eventStreamName } = lookupTarget(i, 1);
      env.profiles.putStream(domainName, eventStreamName, {
        createdAt: new Date('2026-01-15T10:00:00Z'),
        state: 'RUNNING',
        destination: { uri: `arn:aws:kinesis:${stack.region}:${stack.account}:stream/${eventStreamName}`, status: 'HEALTHY' },
      });
    }
    // The environments the storm will start, initialized first (see LambdaPool.prewarm): as many as
    // lookups, or as the concurrency limits allow.
    const artifact = assembly.getStackByName(stack.stackName);
    const functionLogicalId = findLookups(artifact)[0].functionLogicalId;
    const fnSpec = functionSpec(artifact, functionLogicalId, (v) => v);
    const environments = Math.min(options.lookups, options.concurrency ?? Infinity, options.reservedConcurrency ?? Infinity);
    // Signing as the function's role, as the storm's invocations will (the pool keys environments by their variables).
    await pool?.prewarm(fnSpec, env.runtimeVariablesFor(artifact, functionLogicalId), environments);
    env.profiles.rateLimit(rate);
    const started = Date.now();
    const report = await rehearse(assembly, env, { lastPhase: 'Create', pool });
    const wallSeconds = (Date.now() - started) / 1000;
    // The Creates, not the Deletes of a rollback should any fail.
    const steps = report.steps.filter((s) => s.requestType === 'Create');
    const successes = steps.filter((s) => s.status === 'SUCCESS').length;
    const template = assembly.getStackByName(stack.stackName).template;
    const fnResource = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
    return {
      ...options,
      successes,
      exactlyOnce: steps.length === options.lookups && steps.every((s) => s.responses === 1 && s.invocation === 'settled'),
      lateAnswers: steps.filter((s) => s.serviceTimeoutSeconds === undefined || s.elapsedMs > s.serviceTimeoutSeconds * 1000).length,
      wallSeconds,
      idealSeconds: Math.max(0, options.lookups - rate.burst) / rate.requestsPerSecond,
      apiCalls: env.profiles.requests.length,
      throttled: env.profiles.throttledRequests,
      callsPerSuccess: successes > 0 ? env.profiles.requests.length / successes : Infinity,
      serviceTimeoutSeconds: Math.max(...steps.map((s) => s.serviceTimeoutSeconds ?? 0)),
      functionTimeoutSeconds: Number(fnResource.Properties.Timeout),
      longestElapsedSeconds: Math.max(...steps.map((s) => s.elapsedMs)) / 1000,
      longestQueuedSeconds: Math.max(...steps.map((s) => s.queuedMs)) / 1000,
      peakConcurrency: pool?.peakConcurrency ?? options.lookups,
      // Environments beyond the prewarmed ones (a timeout or crash discards one); fresh: every one.
      coldStarts: pool?.coldStarts ?? steps.length,
      steps,
    };
  } finally {
    pool?.close();
    await env.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** One line for logs: what the storm did against its ideal. */
export function describeStorm(r: StormResult): string {
  const limit = r.fresh ? ', each a fresh process started at once' : r.concurrency !== undefined ? `, ${r.concurrency} concurrent executions` : r.reservedConcurrency !== undefined ? `, reserved concurrency ${r.reservedConcurrency}` : '';
  return (
    `${r.lookups} lookups at ${r.rate.requestsPerSecond}/s burst ${r.rate.burst}${limit}: ${r.successes} SUCCESS in ${r.wallSeconds.toFixed(1)} s ` +
    `(ideal ${r.idealSeconds.toFixed(1)} s), ${r.apiCalls} calls (${r.throttled} throttled, ${r.callsPerSuccess.toFixed(2)} per success), ` +
    `longest answer ${r.longestElapsedSeconds.toFixed(1)} s of ServiceTimeout ${r.serviceTimeoutSeconds} s, longest queue ${r.longestQueuedSeconds.toFixed(1)} s, ` +
    `${r.coldStarts} environments, peak ${r.peakConcurrency} at once`
  );
}
