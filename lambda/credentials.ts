import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { defaultProvider as chainProvider } from '@aws-sdk/credential-provider-node';

/**
 * The credential provider the bundled SDK clients get in place of `@aws-sdk/credential-provider-node`
 * (the bundler aliases that package to this file, projenrc/handler-bundles.ts). Lambda gives every function its
 * role's credentials in the environment, which the default chain tries first; so the chain's other
 * providers (about a third of the bundle) stay in a file of their own, loaded only when the
 * environment has no credentials, or names a profile, which the default chain prefers to them.
 * Same credentials in the same order as the default chain, without parsing its code on every cold start.
 */

type DefaultProvider = typeof chainProvider;

/** Loads the default chain (its own bundle file; in tests, the package). */
export const loadChain = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  load: (): DefaultProvider => (require('./credential-chain') as typeof import('./credential-chain')).defaultProvider,
};

/** `defaultProvider` as `@aws-sdk/credential-provider-node` exports it. */
export const defaultProvider: DefaultProvider = (init = {}) => {
  const env = process.env;
  const fromEnvironment = init.profile === undefined && !env.AWS_PROFILE && !!env.AWS_ACCESS_KEY_ID && !!env.AWS_SECRET_ACCESS_KEY;
  return fromEnvironment ? fromEnv(init) : loadChain.load()(init);
};
