import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The trigger of `refreshOnEveryDeployment`: a value that changes on every synth unless pinned, so
 * CloudFormation sends the lookup an Update on every deployment.
 */

/** Context key that pins the refresh trigger; public as `EventStreamLookup.REFRESH_CONTEXT_KEY`. */
export const REFRESH_CONTEXT_KEY = 'cdk-event-stream-lookup:refresh-token';

/** One token per stack and synth, so every refreshing lookup of a stack changes together (weak: gone with the app). */
const tokens = new WeakMap<Stack, string>();

/** The context value if set, else the time of the stack's first refreshing lookup. */
export function refreshToken(scope: IConstruct): string {
  const stack = Stack.of(scope);
  let token = tokens.get(stack);
  if (token === undefined) {
    token = String(stack.node.tryGetContext(REFRESH_CONTEXT_KEY) ?? new Date().toISOString());
    tokens.set(stack, token);
  }
  return token;
}
