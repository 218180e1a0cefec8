import { Stack } from 'aws-cdk-lib';
import { EventStreamLookupProviderProps } from './props';

/**
 * The stack's function configuration (VPC, logs, tracing) as other functions of the stack follow
 * it, such as an EventStreamWatch's check: the one the provider was built from, else the defaults,
 * which then stand, so a later `configure()` is refused as too late. Kept per stack beside the
 * provider, so that following it takes nothing beyond the provider's public API.
 */

interface StackConfiguration {
  /** What the provider was built from. */
  built?: EventStreamLookupProviderProps;
  /** The first construct that followed the defaults before the provider was built. */
  defaultsFollowedBy?: string;
}

const configurations = new WeakMap<Stack, StackConfiguration>();

function of(stack: Stack): StackConfiguration {
  let configuration = configurations.get(stack);
  if (!configuration) {
    configuration = {};
    configurations.set(stack, configuration);
  }
  return configuration;
}

/** Records what the stack's provider was built from. */
export function recordBuiltConfiguration(stack: Stack, props: EventStreamLookupProviderProps): void {
  of(stack).built = props;
}

/** The configuration `follower` (named in the too-late error) should follow: the built one, else the defaults. */
export function followConfiguration(stack: Stack, follower: string): EventStreamLookupProviderProps {
  const configuration = of(stack);
  if (configuration.built) {
    return configuration.built;
  }
  configuration.defaultsFollowedBy ??= follower;
  return {};
}

/** Who follows the defaults already, if anyone (then `configure()` comes too late). */
export function defaultsFollowedBy(stack: Stack): string | undefined {
  return configurations.get(stack)?.defaultsFollowedBy;
}
