import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { Deployment, DeploymentOptions } from './deployment';
import { RehearsalEnvironment } from './environment';
import { RehearsalReport, RequestType } from './report';

export type { RehearsalReport, RequestType, StackReport, StepReport } from './report';

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
 *
 * This file orders the phases; `deployment.ts` runs each, `cloudformation-judge.ts` judges responses.
 */

export interface RehearsalOptions extends DeploymentOptions {
  /** Called after every stack is created and before the updates (change the stand-in's world here). */
  readonly beforeUpdate?: () => void | Promise<void>;
  /**
   * The app as the next deployment synthesizes it (for example with a new refresh token): only the
   * lookups whose resolved properties changed get an Update, as CloudFormation does. Without it,
   * every lookup gets an Update with the same properties.
   */
  readonly update?: CloudAssembly;
  /** Stop after this phase. */
  readonly lastPhase?: RequestType;
  /** Rehearse only these stacks (by name). */
  readonly stacks?: string[];
}

export async function rehearse(assembly: CloudAssembly, env: RehearsalEnvironment, options: RehearsalOptions = {}): Promise<RehearsalReport> {
  const stacks = assembly.stacks.filter((s) => options.stacks === undefined || options.stacks.includes(s.stackName));
  const deployment = new Deployment(env, options);

  for (const stack of stacks) {
    await deployment.create(stack);
  }
  const deployed = stacks.filter((s) => deployment.statusOf(s.stackName) === 'CREATE_COMPLETE');

  if (options.lastPhase !== 'Create') {
    await options.beforeUpdate?.();
    for (const stack of deployed) {
      await deployment.update(stack, options.update?.getStackByName(stack.stackName));
    }
  }

  // Stacks are deleted in the reverse order of their creation, consumers before producers.
  if (options.lastPhase === undefined || options.lastPhase === 'Delete') {
    for (const stack of [...deployed].reverse()) {
      await deployment.delete(stack);
    }
  }

  return deployment.report(stacks);
}
