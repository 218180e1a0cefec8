import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { StreamTarget } from './resource-plan';
import { parseApiRate } from '../timeouts';
import { API_RATE_CONTEXT_KEY, StormPlan } from '../wire/storm';

/**
 * What each lookup tells its stack's provider: the provider finds the lookups of its stack in the
 * construct tree at synth time, so its policy and timeout cover every one of them, whenever and
 * wherever in the stack they were added.
 */

/** What a lookup needs from the provider. */
export interface LookupRegistration {
  /** Stream to read, in the region it lives in. */
  readonly target: StreamTarget;
  /** Role the handler assumes for this lookup; when set, the provider grants only `sts:AssumeRole`. */
  readonly roleArn?: string;
  /** Seconds this lookup may wait; sizes the shared function's timeout. */
  readonly waitSeconds: number;
}

/** The mark a lookup carries (a symbol: invisible to jsii and to other libraries' properties). */
const REGISTRATION = Symbol.for('cdk-event-stream-lookup.registration');

/** A registration as the provider finds it: with the lookup's path, for errors. */
export interface RegisteredLookup extends LookupRegistration {
  readonly path: string;
}

interface Registered {
  readonly stack: Stack;
  readonly lookup: RegisteredLookup;
}

/** Marks `lookup` as a lookup of its stack. */
export function register(lookup: IConstruct, registration: LookupRegistration): void {
  const mark: Registered = { stack: Stack.of(lookup), lookup: { ...registration, path: lookup.node.path } };
  Object.defineProperty(lookup, REGISTRATION, { value: mark });
}

/** The lookups of `stack` (not of its nested stacks, which have providers of their own), in tree order. */
export function registrationsOf(stack: Stack): RegisteredLookup[] {
  return stack.node.findAll()
    .map((construct) => (construct as unknown as Record<symbol, Registered | undefined>)[REGISTRATION])
    .filter((mark): mark is Registered => mark !== undefined && mark.stack === stack)
    .map((mark) => mark.lookup);
}

/** The stack's lookups and the rate planned for them (the context value, else 5/s burst 10). */
export function stormPlanOf(stack: Stack): StormPlan {
  return { lookups: registrationsOf(stack).length, rate: parseApiRate(stack.node.tryGetContext(API_RATE_CONTEXT_KEY)) };
}

/** The longest wait of the stack's lookups, in seconds. */
export function longestWaitOf(stack: Stack): number {
  return Math.max(0, ...registrationsOf(stack).map((r) => r.waitSeconds));
}

/** The roles the stack's cross-account lookups assume, each once. */
export function assumedRolesOf(stack: Stack): string[] {
  return [...new Set(registrationsOf(stack).flatMap((r) => (r.roleArn === undefined ? [] : [r.roleArn])))];
}

/** The streams the stack's own-account lookups read. */
export function ownAccountTargetsOf(stack: Stack): StreamTarget[] {
  return registrationsOf(stack).filter((r) => r.roleArn === undefined).map((r) => r.target);
}
