import { missingAttributes } from './attributes';
import { subject } from './reasons';

import { LookupAttributes } from '../src/wire/attributes';
import { LookupSpec } from '../src/wire/properties';

/**
 * Rollbacks. When a stack update fails, CloudFormation rolls back every resource it had updated
 * (and the one that failed) with another **Update** whose ResourceProperties are the previous ones.
 * The event carries no rollback flag, so a gated lookup whose stream is still stopped would fail
 * that Update too, and the stack would end in UPDATE_ROLLBACK_FAILED. CloudFormation documents the
 * stack's status while it does this: UPDATE_ROLLBACK_IN_PROGRESS. So an Update that is about to fail
 * or wait first asks `DescribeStacks` for its own stack; in a rollback it never gates, never waits,
 * and never fails.
 */

/** The stack status in which CloudFormation sends the Updates of a rollback (also after ContinueUpdateRollback). */
export const ROLLBACK_STATUS = 'UPDATE_ROLLBACK_IN_PROGRESS';

/** What the stack's status says about an Update. */
export type RollbackCheck =
  | { readonly kind: 'forward'; readonly status: string }
  | { readonly kind: 'rollback'; readonly status: string }
  /** The status could not be read: treated like a rollback, since a failed rollback wedges the stack. */
  | { readonly kind: 'unknown'; readonly error: string };

/** Reads the stack's status (the edge: DescribeStacks) and classifies it; never throws. */
export async function checkRollback(readStatus: () => Promise<string>): Promise<RollbackCheck> {
  try {
    const status = await readStatus();
    return status === ROLLBACK_STATUS ? { kind: 'rollback', status } : { kind: 'forward', status };
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { kind: 'unknown', error: text.length > 300 ? `${text.slice(0, 297)}...` : text };
  }
}

/** Whether a DescribeStacks failure is a denial (an SCP or a permissions boundary), not a transient error. */
export function isAccessDenied(error: string): boolean {
  return /^AccessDenied(Exception)?:/.test(error) || /is not authorized to perform: cloudformation:DescribeStacks/.test(error);
}

/** Why this Update does not enforce requirements, as the start of a Reason. */
export function rollbackPreamble(check: RollbackCheck): string {
  if (check.kind === 'unknown' && isAccessDenied(check.error)) {
    return `GATE NOT ENFORCED: cloudformation:DescribeStacks on this stack was denied to the lookup's function role (${check.error}), so this Update cannot be told from a rollback and its requirements were not enforced (a rollback must never fail). Allow cloudformation:DescribeStacks on this stack in the SCPs and the permissions boundary that apply to the function role;`;
  }
  return check.kind === 'unknown'
    ? `could not read the stack's status to tell a rollback from an update (${check.error}), so the requirements were not enforced: a rollback must never fail. Allow cloudformation:DescribeStacks on this stack for the lookup's function role;`
    : `the stack is rolling back (${check.status}), so the requirements were not enforced and nothing was waited for;`;
}

/**
 * A gated Create (never a rollback, so it may fail) first makes sure its later Updates will be able to
 * tell a rollback: a DescribeStacks denied by an SCP or a permissions boundary would silently turn
 * every gated Update into an ungated one. Only a denial fails it; a transient error does not.
 */
export function deniedGateReason(spec: LookupSpec, stackId: string, check: RollbackCheck): string | undefined {
  if (check.kind !== 'unknown' || !isAccessDenied(check.error)) {
    return undefined;
  }
  return `${subject(spec)} has requirements (requiredState, requireHealthyDestination or waitTimeout), but cloudformation:DescribeStacks on ${stackId} is denied to the lookup's function role (${check.error}). ` +
    'Without it, later Updates cannot be told from rollbacks and their requirements would be skipped, so the lookup is not created. ' +
    'Allow cloudformation:DescribeStacks on this stack in the SCPs and the permissions boundary that apply to the function role (its own policy already grants it), or remove the requirements, then deploy again.';
}

/** A rollback found the stream: its current facts, requirements not applied. */
export function rollbackFoundReason(spec: LookupSpec, check: RollbackCheck, seen: string): string {
  return `${rollbackPreamble(check)} ${subject(spec)} is ${seen}. Fix the stream before the next deployment if it must meet them.`;
}

/**
 * A rollback that could not read the stream (deleted, access revoked, throttled past the rollback's
 * retry budget) still succeeds: with the physical id the resource has (no replacement), the ARN that
 * id holds, the names and the region. The other attributes are empty, because the handler keeps no
 * state and the service cannot tell them.
 */
export function rollbackFallback(spec: LookupSpec, physicalResourceId: string | undefined, check: RollbackCheck, failure: string): {
  physicalResourceId: string | undefined;
  data: LookupAttributes;
  reason: string;
} {
  const arn = physicalResourceId?.startsWith('arn:') ? physicalResourceId : '';
  const data: LookupAttributes = { ...missingAttributes(spec), EventStreamArn: arn, Exists: arn ? 'true' : 'false' };
  const reason = `${rollbackPreamble(check)} ${subject(spec)} could not be read (${failure}), so the rollback answers with the ARN the resource already has${arn ? ` (${arn})` : ''}, the names and the region, and empty values for the rest. Restore the stream or the access to it before the next deployment.`;
  return { physicalResourceId, data, reason };
}
