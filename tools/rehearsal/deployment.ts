import { randomUUID } from 'crypto';
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { findLookups, functionSpec, LookupResource } from './assembly';
import { judge } from './cloudformation-judge';
import { RehearsalEnvironment } from './environment';
import { resolve, ResolutionScope } from './intrinsics';
import { LambdaPool } from './lambda-pool';
import { invokeLambda, LambdaFunctionSpec } from './lambda-process';
import { RehearsalReport, RequestType, StackReport, StepReport } from './report';
import { consumedValues, resolveOutputs } from './stack-outputs';
import { DeployedLookup, scopeFor, stackIdOf } from './stack-scope';
import { RESOURCE_TYPE } from '../../src/wire/properties';

/**
 * One rehearsed deployment: what CloudFormation remembers between events (each stack's status and
 * history, its deployed lookups, outputs and exports, and every event sent), and one method per
 * phase CloudFormation runs a stack through. The phases are run by `rehearse`, in its order.
 */

export interface DeploymentOptions {
  /** Run the function as if its Timeout were this many seconds (to exercise the time guard quickly). */
  readonly functionTimeoutSeconds?: number;
  /** Called when a stack's update has failed, before its rollback (change the stand-in's world here). */
  readonly beforeRollback?: (stackName: string) => void | Promise<void>;
  /**
   * Run invocations in this pool of warm environments (with its concurrency limit, and each
   * function's reserved concurrency) instead of a fresh process each.
   */
  readonly pool?: LambdaPool;
}

export type StackStatus = StackReport['status'];

/** A lookup as CloudFormation remembers it: the properties it was last deployed with, and what it answered. */
interface LiveLookup extends DeployedLookup {
  readonly properties: Record<string, unknown>;
}

/**
 * What a rollback sends instead of the template's values: the properties to restore (an Update) or
 * the replacement to delete (a Delete), and the properties the failed deployment had.
 */
interface RollbackEvent {
  readonly properties: Record<string, unknown>;
  readonly oldProperties: Record<string, unknown>;
  readonly physicalResourceId: string;
}

export class Deployment {
  private readonly steps: StepReport[] = [];
  private readonly stackStatus = new Map<string, StackStatus>();
  private readonly history = new Map<string, string[]>();
  private readonly outputs = new Map<string, Record<string, string>>();
  private readonly exports = new Map<string, string>();
  private readonly live = new Map<string, Map<string, LiveLookup>>();

  public constructor(
    private readonly env: RehearsalEnvironment,
    private readonly options: DeploymentOptions = {},
  ) {}

  public statusOf(stackName: string): StackStatus | undefined {
    return this.stackStatus.get(stackName);
  }

  /** Creates every lookup at once; a failed one rolls the stack back; a dependant of a failed stack is skipped. */
  public async create(stack: CloudFormationStackArtifact): Promise<StackStatus> {
    this.live.set(stack.stackName, new Map());
    const blocked = stack.dependencies.some((d) => this.stackStatus.has(d.id) && this.stackStatus.get(d.id) !== 'CREATE_COMPLETE');
    if (blocked) {
      this.stackStatus.set(stack.stackName, 'SKIPPED');
      return 'SKIPPED';
    }
    const lookups = findLookups(stack);
    this.setStatus(stack, 'CREATE_IN_PROGRESS');
    const created = await Promise.all(lookups.map((l) => this.send(stack, l, 'Create')));
    if (!allSucceeded(created)) {
      return this.rollbackCreate(stack, lookups);
    }
    this.outputs.set(stack.stackName, resolveOutputs(stack, this.scope(stack), this.exports));
    return this.finish(stack, 'CREATE_COMPLETE');
  }

  /** A failed create deletes every lookup that has an id, the failed ones included (with the id their response gave). */
  private async rollbackCreate(stack: CloudFormationStackArtifact, lookups: LookupResource[]): Promise<StackStatus> {
    this.setStatus(stack, 'ROLLBACK_IN_PROGRESS');
    const state = this.stateOf(stack);
    const deleted = await Promise.all(
      lookups
        .filter((l) => state.has(l.logicalId))
        .map((l) => {
          const { physicalResourceId, properties } = state.get(l.logicalId)!;
          return this.send(stack, l, 'Delete', { properties, oldProperties: properties, physicalResourceId });
        }),
    );
    return this.finish(stack, allSucceeded(deleted) ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED');
  }

  /**
   * Updates the stack to `next` (the next synthesis of it). CloudFormation updates only the lookups
   * whose resolved properties changed; without `next`, every lookup is updated with the same ones.
   */
  public async update(stack: CloudFormationStackArtifact, next?: CloudFormationStackArtifact): Promise<StackStatus> {
    const target = next ?? stack;
    const state = this.stateOf(stack);
    const scope = this.scope(target);
    const changed = findLookups(target).filter((l) => {
      const changedProperties = JSON.stringify(resolve(l.properties, scope)) !== JSON.stringify(state.get(l.logicalId)?.properties);
      return next === undefined || changedProperties;
    });
    const before = new Map([...state].map(([id, lookup]) => [id, { ...lookup }]));
    this.setStatus(stack, 'UPDATE_IN_PROGRESS');
    const updated = await Promise.all(changed.map((l) => this.send(target, l, before.has(l.logicalId) ? 'Update' : 'Create')));
    if (allSucceeded(updated)) {
      this.outputs.set(stack.stackName, resolveOutputs(target, this.scope(target), this.exports));
      return this.finish(stack, 'UPDATE_COMPLETE');
    }
    return this.rollbackUpdate(stack, target, changed, before, updated);
  }

  /** Every lookup the failed update touched, succeeded or failed, goes back to what it was before. */
  private async rollbackUpdate(
    stack: CloudFormationStackArtifact,
    target: CloudFormationStackArtifact,
    changed: LookupResource[],
    before: Map<string, LiveLookup>,
    updated: StepReport[],
  ): Promise<StackStatus> {
    this.setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS');
    await this.options.beforeRollback?.(stack.stackName);
    const rolledBack = await Promise.all(
      changed.map((l) => this.rollBackLookup(target, l, before.get(l.logicalId), updated.find((u) => u.logicalId === l.logicalId)!)),
    );
    const status = rolledBack.every((r) => r === undefined || r.status === 'SUCCESS') ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED';
    // The outputs are the previous template's again, over the restored lookups.
    this.outputs.set(stack.stackName, resolveOutputs(stack, this.scope(stack), this.exports));
    return this.finish(stack, status);
  }

  /**
   * One lookup's rollback: an Update back to its previous properties; one the update replaced (a
   * new physical id) keeps its old resource and the replacement is deleted; one the update created
   * is deleted (a failed Create leaves an id only if it answered one, else nothing is sent).
   */
  private async rollBackLookup(
    target: CloudFormationStackArtifact,
    lookup: LookupResource,
    old: LiveLookup | undefined,
    failed: StepReport,
  ): Promise<StepReport | undefined> {
    const state = this.stateOf(target);
    const now = state.get(lookup.logicalId);
    const failedProperties = failed.event.ResourceProperties as Record<string, unknown>;
    if (old === undefined || now === undefined) {
      state.delete(lookup.logicalId);
      return now && this.send(target, lookup, 'Delete', { properties: failedProperties, oldProperties: failedProperties, physicalResourceId: now.physicalResourceId });
    }
    if (now.physicalResourceId !== old.physicalResourceId) {
      const step = await this.send(target, lookup, 'Delete', { properties: failedProperties, oldProperties: failedProperties, physicalResourceId: now.physicalResourceId });
      state.set(lookup.logicalId, old);
      return step;
    }
    return this.send(target, lookup, 'Update', { properties: old.properties, oldProperties: failedProperties, physicalResourceId: now.physicalResourceId });
  }

  /** Deletes every lookup the stack still has. */
  public async delete(stack: CloudFormationStackArtifact): Promise<StackStatus> {
    const lookups = findLookups(stack).filter((l) => this.stateOf(stack).has(l.logicalId));
    this.setStatus(stack, 'DELETE_IN_PROGRESS');
    const deleted = await Promise.all(lookups.map((l) => this.send(stack, l, 'Delete')));
    return this.finish(stack, allSucceeded(deleted) ? 'DELETE_COMPLETE' : 'DELETE_FAILED');
  }

  /** Every event sent, and each stack as DescribeStacks would show it now. */
  public report(stacks: CloudFormationStackArtifact[]): RehearsalReport {
    return {
      steps: this.steps,
      stacks: stacks.map((s) => ({
        stackName: s.stackName,
        status: this.stackStatus.get(s.stackName)!,
        history: this.history.get(s.stackName) ?? [],
        outputs: this.outputs.get(s.stackName) ?? {},
        consumed: this.outputs.has(s.stackName) ? consumedValues(s, this.scope(s)) : {},
      })),
    };
  }

  /** Sends one event to the lookup's function, judges the responses, and remembers the outcome. */
  private async send(
    stack: CloudFormationStackArtifact,
    lookup: LookupResource,
    requestType: RequestType,
    rollback?: RollbackEvent,
  ): Promise<StepReport> {
    const state = this.stateOf(stack);
    const scope = this.scope(stack);
    const current = state.get(lookup.logicalId);
    const previous = rollback ? { ...current!, physicalResourceId: rollback.physicalResourceId, properties: rollback.oldProperties } : current;
    const properties = rollback?.properties ?? (requestType === 'Delete' && previous ? previous.properties : resolve(lookup.properties, scope));
    const fn = functionSpec(stack, lookup.functionLogicalId, (v) => resolve(v, scope));
    const responseUrl = this.env.receiver.issueUrl();
    const event = cloudFormationEvent(requestType, lookup, scope, properties, responseUrl, previous);
    const dispatchedAt = Date.now();
    const runtime = this.env.runtimeVariablesFor(stack, lookup.functionLogicalId);
    const invocation = await this.invoke({ ...fn, timeoutSeconds: this.options.functionTimeoutSeconds ?? fn.timeoutSeconds }, event, runtime);
    const elapsedMs = Date.now() - dispatchedAt;
    const received = this.env.receiver.responsesFor(responseUrl);
    const step: StepReport = {
      stackName: stack.stackName,
      logicalId: lookup.logicalId,
      path: lookup.path,
      requestType,
      rollback: rollback !== undefined,
      ...judge(event, received.map((r) => r.body)),
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
    this.steps.push(step);
    remember(state, step, properties);
    return step;
  }

  /** In the pool's warm environments when there is one, else in a fresh process; signing as the function's role. */
  private async invoke(fn: LambdaFunctionSpec, event: Record<string, unknown>, runtime: Record<string, string>) {
    return this.options.pool
      ? this.options.pool.invoke(fn, event, runtime)
      : { ...(await invokeLambda(fn, event, runtime)), queuedMs: 0, warm: false };
  }

  private stateOf(stack: CloudFormationStackArtifact): Map<string, LiveLookup> {
    return this.live.get(stack.stackName)!;
  }

  private scope(stack: CloudFormationStackArtifact): ResolutionScope {
    return scopeFor(stack, this.env, this.stateOf(stack), this.exports, this.outputs);
  }

  private setStatus(stack: CloudFormationStackArtifact, status: string): void {
    this.history.set(stack.stackName, [...(this.history.get(stack.stackName) ?? []), status]);
    this.env.cloudformation.setStatus(stackIdOf(stack, this.env), status);
  }

  /** A phase's last status, which is also the stack's status from now on. */
  private finish(stack: CloudFormationStackArtifact, status: StackStatus): StackStatus {
    this.setStatus(stack, status);
    this.stackStatus.set(stack.stackName, status);
    return status;
  }
}

/** The event CloudFormation sends; `previous` is the lookup as deployed (or as a rollback restores it). */
function cloudFormationEvent(
  requestType: RequestType,
  lookup: LookupResource,
  scope: ResolutionScope,
  properties: Record<string, unknown>,
  responseUrl: string,
  previous: Pick<LiveLookup, 'physicalResourceId' | 'properties'> | undefined,
): Record<string, unknown> {
  return {
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
}

/** What CloudFormation remembers of a lookup after one event. */
function remember(state: Map<string, LiveLookup>, step: StepReport, properties: Record<string, unknown>): void {
  if (step.status === 'SUCCESS' && step.requestType !== 'Delete') {
    state.set(step.logicalId, { physicalResourceId: step.physicalResourceId!, properties, data: step.data ?? {} });
  } else if (step.requestType === 'Create' && step.physicalResourceId) {
    // CloudFormation deletes a failed resource with the id its failed response gave.
    state.set(step.logicalId, { physicalResourceId: step.physicalResourceId, properties, data: {} });
  } else if (step.requestType === 'Delete' && step.status === 'SUCCESS' && !step.rollback) {
    state.delete(step.logicalId);
  }
}

function allSucceeded(steps: StepReport[]): boolean {
  return steps.every((s) => s.status === 'SUCCESS');
}
