import { randomUUID } from 'crypto';
import type { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { findLookups, functionSpec, LookupResource } from './assembly';
import { judge, Verdict } from './cloudformation-judge';
import { RehearsalEnvironment } from './environment';
import { resolve } from './intrinsics';
import { LambdaPool } from './lambda-pool';
import { invokeLambda } from './lambda-process';
import { consumedValues, resolveOutputs } from './stack-outputs';
import { scopeFor, stackIdOf } from './stack-scope';
import { RESOURCE_TYPE } from '../../src/contract';

/**
 * Rehearses the deployment of a synthesized app. What it models: this construct's custom resources,
 * created (stack by stack, in dependency order), then updated, then deleted, each event handled by
 * the bundled function from cdk.out in its own process, each response received over HTTPS and judged
 * as CloudFormation judges it; the stack's status, as DescribeStacks shows it, at every step; a failed
 * create rolls back with Deletes; a failed update rolls back every lookup it had updated, and the
 * failed ones, with another Update carrying the previous properties (a replaced one with a Delete of
 * the replacement), and ends in UPDATE_ROLLBACK_FAILED if any of those fails; outputs, exports and
 * `Fn::GetStackOutput` carry the lookups' values to consumer stacks. What it does not model: every
 * other resource, which gets a placeholder value (`Stack-LogicalId`) and is never created.
 */

export type RequestType = 'Create' | 'Update' | 'Delete';

export interface RehearsalOptions {
  /** Run the function as if its Timeout were this many seconds (to exercise the time guard quickly). */
  readonly functionTimeoutSeconds?: number;
  /** Called after every stack is created and before the updates (change the stand-in's world here). */
  readonly beforeUpdate?: () => void | Promise<void>;
  /**
   * The app as the next deployment synthesizes it (for example with a new refresh token): only the
   * lookups whose resolved properties changed get an Update, as CloudFormation does. Without it,
   * every lookup gets an Update with the same properties.
   */
  readonly update?: CloudAssembly;
  /** Called when a stack's update has failed, before its rollback (change the stand-in's world here). */
  readonly beforeRollback?: (stackName: string) => void | Promise<void>;
  /** Stop after this phase. */
  readonly lastPhase?: RequestType;
  /** Rehearse only these stacks (by name). */
  readonly stacks?: string[];
  /**
   * Run invocations in this pool of warm environments (with its concurrency limit, and each
   * function's reserved concurrency) instead of a fresh process each.
   */
  readonly pool?: LambdaPool;
}

/** One event, as CloudFormation would record it. */
export interface StepReport extends Verdict {
  readonly stackName: string;
  readonly logicalId: string;
  readonly path: string;
  readonly requestType: RequestType;
  /** A Delete or Update that CloudFormation sends to roll back. */
  readonly rollback: boolean;
  /** How many responses arrived (exactly one is correct). */
  readonly responses: number;
  readonly durationMs: number;
  /** Time the invocation waited for a free execution (pool only), and whether it ran in a warm one. */
  readonly queuedMs: number;
  readonly warm: boolean;
  /** From CloudFormation's invocation to the invocation's end: what the lookup's ServiceTimeout bounds. */
  readonly elapsedMs: number;
  /** The lookup's ServiceTimeout, as the template gives it. */
  readonly serviceTimeoutSeconds?: number;
  readonly invocation: 'settled' | 'rejected' | 'timed out' | 'crashed';
  readonly logs: string[];
  readonly event: Record<string, unknown>;
}

export interface StackReport {
  readonly stackName: string;
  readonly status:
    | 'CREATE_COMPLETE'
    | 'ROLLBACK_COMPLETE'
    | 'ROLLBACK_FAILED'
    | 'SKIPPED'
    | 'UPDATE_COMPLETE'
    | 'UPDATE_ROLLBACK_COMPLETE'
    | 'UPDATE_ROLLBACK_FAILED'
    | 'DELETE_COMPLETE'
    | 'DELETE_FAILED';
  /** Every status the stack went through, in order (what DescribeStacks showed at each step). */
  readonly history: string[];
  /** Outputs as CloudFormation would show them. */
  readonly outputs: Record<string, string>;
  /**
   * What the stack's other resources read from lookups (`Fn::GetAtt` on a lookup of the stack,
   * `Fn::ImportValue`, `Fn::GetStackOutput`), by `LogicalId.Property.Path`, as resolved values.
   */
  readonly consumed: Record<string, string>;
}

export interface RehearsalReport {
  readonly steps: StepReport[];
  readonly stacks: StackReport[];
}

interface LiveLookup {
  physicalResourceId: string;
  properties: Record<string, unknown>;
  data: Record<string, string>;
}

export async function rehearse(assembly: CloudAssembly, env: RehearsalEnvironment, options: RehearsalOptions = {}): Promise<RehearsalReport> {
  const steps: StepReport[] = [];
  const stackStatus = new Map<string, StackReport['status']>();
  const outputs = new Map<string, Record<string, string>>();
  const exports = new Map<string, string>();
  const live = new Map<string, Map<string, LiveLookup>>();
  const stacks = assembly.stacks.filter((s) => options.stacks === undefined || options.stacks.includes(s.stackName));

  /**
   * Sends one event. `rollback` carries what a rollback sends instead of the template's values: the
   * properties to restore (an Update) or the replacement to delete (a Delete), and the properties the
   * failed deployment had.
   */
  const run = async (
    stack: CloudFormationStackArtifact,
    lookup: LookupResource,
    requestType: RequestType,
    rollback?: { properties: Record<string, unknown>; oldProperties: Record<string, unknown>; physicalResourceId: string },
  ) => {
    const state = live.get(stack.stackName)!;
    const scope = scopeFor(stack, env, state, exports, outputs);
    const current = state.get(lookup.logicalId);
    const previous = rollback ? { ...current!, physicalResourceId: rollback.physicalResourceId, properties: rollback.oldProperties } : current;
    const properties = rollback?.properties ?? (requestType === 'Delete' && previous ? previous.properties : resolve(lookup.properties, scope));
    const fn = functionSpec(stack, lookup.functionLogicalId, (v) => resolve(v, scope));
    const timeoutSeconds = options.functionTimeoutSeconds ?? fn.timeoutSeconds;
    const responseUrl = env.receiver.issueUrl();
    const event: Record<string, unknown> = {
      RequestType: requestType,
      ServiceToken: properties.ServiceToken,
      ResponseURL: responseUrl,
      StackId: scope.pseudo['AWS::StackId'],
      RequestId: randomUUID(),
      LogicalResourceId: lookup.logicalId,
      ResourceType: RESOURCE_TYPE,
      ResourceProperties: properties,
      ...(previous ? { PhysicalResourceId: previous.physicalResourceId } : {}),
      ...(requestType === 'Update' && previous ? { OldResourceProperties: previous.properties } : {}),
    };
    const dispatchedAt = Date.now();
    const invocation = options.pool
      ? await options.pool.invoke({ ...fn, timeoutSeconds }, event, env.runtimeVariables())
      : { ...(await invokeLambda({ ...fn, timeoutSeconds }, event, env.runtimeVariables())), queuedMs: 0, warm: false };
    const elapsedMs = Date.now() - dispatchedAt;
    const received = env.receiver.responsesFor(responseUrl);
    const verdict = judge(event, received.map((r) => r.body));
    const step: StepReport = {
      stackName: stack.stackName,
      logicalId: lookup.logicalId,
      path: lookup.path,
      requestType,
      rollback: rollback !== undefined,
      ...verdict,
      responses: received.length,
      durationMs: invocation.durationMs,
      queuedMs: invocation.queuedMs,
      warm: invocation.warm,
      elapsedMs,
      ...(properties.ServiceTimeout !== undefined ? { serviceTimeoutSeconds: Number(properties.ServiceTimeout) } : {}),
      invocation: invocation.outcome,
      logs: invocation.logs,
      event,
    };
    steps.push(step);
    if (step.status === 'SUCCESS' && requestType !== 'Delete') {
      state.set(lookup.logicalId, { physicalResourceId: step.physicalResourceId!, properties, data: step.data ?? {} });
    } else if (requestType === 'Create' && step.physicalResourceId) {
      // CloudFormation deletes a failed resource with the id its failed response gave.
      state.set(lookup.logicalId, { physicalResourceId: step.physicalResourceId, properties, data: {} });
    } else if (requestType === 'Delete' && step.status === 'SUCCESS' && !rollback) {
      state.delete(lookup.logicalId);
    }
    return step;
  };
  const history = new Map<string, string[]>();
  const setStatus = (stack: CloudFormationStackArtifact, status: string) => {
    history.set(stack.stackName, [...(history.get(stack.stackName) ?? []), status]);
    env.cloudformation.setStatus(stackIdOf(stack, env), status);
  };

  // Create, stack by stack; a failed lookup rolls its stack back; dependants of a failed stack are skipped.
  for (const stack of stacks) {
    live.set(stack.stackName, new Map());
    const blocked = stack.dependencies.some((d) => stackStatus.has(d.id) && stackStatus.get(d.id) !== 'CREATE_COMPLETE');
    if (blocked) {
      stackStatus.set(stack.stackName, 'SKIPPED');
      continue;
    }
    const lookups = findLookups(stack);
    setStatus(stack, 'CREATE_IN_PROGRESS');
    const created = await Promise.all(lookups.map((l) => run(stack, l, 'Create')));
    if (created.some((s) => s.status !== 'SUCCESS')) {
      setStatus(stack, 'ROLLBACK_IN_PROGRESS');
      const state = live.get(stack.stackName)!;
      const deleted = await Promise.all(
        lookups
          .filter((l) => state.has(l.logicalId))
          .map((l) => {
            const { physicalResourceId, properties } = state.get(l.logicalId)!;
            return run(stack, l, 'Delete', { properties, oldProperties: properties, physicalResourceId });
          }),
      );
      const status = deleted.every((d) => d.status === 'SUCCESS') ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED';
      setStatus(stack, status);
      stackStatus.set(stack.stackName, status);
      continue;
    }
    const stackOutputs = resolveOutputs(stack, scopeFor(stack, env, live.get(stack.stackName)!, exports, outputs), exports);
    outputs.set(stack.stackName, stackOutputs);
    setStatus(stack, 'CREATE_COMPLETE');
    stackStatus.set(stack.stackName, 'CREATE_COMPLETE');
  }
  const deployed = stacks.filter((s) => stackStatus.get(s.stackName) === 'CREATE_COMPLETE');

  if (options.lastPhase !== 'Create') {
    await options.beforeUpdate?.();
    for (const stack of deployed) {
      const next = options.update?.getStackByName(stack.stackName) ?? stack;
      const state = live.get(stack.stackName)!;
      const scope = scopeFor(next, env, state, exports, outputs);
      // CloudFormation updates only what changed; without a new assembly, every lookup is updated.
      const changed = findLookups(next).filter((l) => {
        const before = state.get(l.logicalId);
        const changedProperties = JSON.stringify(resolve(l.properties, scope)) !== JSON.stringify(before?.properties);
        return options.update === undefined || changedProperties;
      });
      const before = new Map([...state].map(([id, lookup]) => [id, { ...lookup }]));
      setStatus(stack, 'UPDATE_IN_PROGRESS');
      const updated = await Promise.all(changed.map((l) => run(next, l, before.has(l.logicalId) ? 'Update' : 'Create')));
      if (updated.every((u) => u.status === 'SUCCESS')) {
        outputs.set(stack.stackName, resolveOutputs(next, scopeFor(next, env, state, exports, outputs), exports));
        setStatus(stack, 'UPDATE_COMPLETE');
        stackStatus.set(stack.stackName, 'UPDATE_COMPLETE');
        continue;
      }
      // The rollback: every lookup the update touched, succeeded or failed, goes back to its
      // previous properties with another Update; one that the update replaced (a new physical id)
      // keeps its old resource, and the replacement is deleted.
      setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS');
      await options.beforeRollback?.(stack.stackName);
      const rolledBack = await Promise.all(
        changed.map((l) => {
          const old = before.get(l.logicalId);
          const now = state.get(l.logicalId);
          const failedProperties = updated.find((u) => u.logicalId === l.logicalId)!.event.ResourceProperties as Record<string, unknown>;
          if (old === undefined || now === undefined) {
            // Created by the failed update (a failed Create leaves an id only if it answered one).
            state.delete(l.logicalId);
            return now && run(next, l, 'Delete', { properties: failedProperties, oldProperties: failedProperties, physicalResourceId: now.physicalResourceId });
          }
          if (now.physicalResourceId !== old.physicalResourceId) {
            return run(next, l, 'Delete', { properties: failedProperties, oldProperties: failedProperties, physicalResourceId: now.physicalResourceId }).then((step) => {
              state.set(l.logicalId, old);
              return step;
            });
          }
          return run(next, l, 'Update', { properties: old.properties, oldProperties: failedProperties, physicalResourceId: now.physicalResourceId });
        }),
      );
      const status = rolledBack.every((r) => r === undefined || r.status === 'SUCCESS') ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED';
      outputs.set(stack.stackName, resolveOutputs(stack, scopeFor(stack, env, state, exports, outputs), exports));
      setStatus(stack, status);
      stackStatus.set(stack.stackName, status);
    }
  }

  if (options.lastPhase === undefined || options.lastPhase === 'Delete') {
    for (const stack of [...deployed].reverse()) {
      const lookups = findLookups(stack).filter((l) => live.get(stack.stackName)!.has(l.logicalId));
      setStatus(stack, 'DELETE_IN_PROGRESS');
      const deleted = await Promise.all(lookups.map((l) => run(stack, l, 'Delete')));
      const status = deleted.every((s) => s.status === 'SUCCESS') ? 'DELETE_COMPLETE' : 'DELETE_FAILED';
      setStatus(stack, status);
      stackStatus.set(stack.stackName, status);
    }
  }

  return {
    steps,
    stacks: stacks.map((s) => ({
      stackName: s.stackName,
      status: stackStatus.get(s.stackName)!,
      history: history.get(s.stackName) ?? [],
      outputs: outputs.get(s.stackName) ?? {},
      consumed: outputs.has(s.stackName) ? consumedValues(s, scopeFor(s, env, live.get(s.stackName)!, exports, outputs)) : {},
    })),
  };
}
