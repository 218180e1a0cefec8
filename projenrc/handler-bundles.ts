import * as esbuild from 'esbuild';
import { literalSchemaKeysPlugin } from './literal-schema-keys';

/**
 * The functions' code, bundled into assets/ before jsii compiles, so the npm package carries it and
 * `Code.fromAsset` finds it next to lib/. `npx projen bundle` runs this file: esbuild's API rather
 * than projen's esbuild command line, which cannot take the plugin (projenrc/literal-schema-keys.ts).
 */

/** One bundle: its entry point and its file under assets/. */
export interface HandlerBundle {
  readonly entryPoint: string;
  readonly outfile: string;
  /** Readable stack traces in the function's log (docs/performance.md measures the cost). */
  readonly keepNames: boolean;
  /** The environment's credentials (lambda/credentials.ts) instead of the SDK's default chain. */
  readonly environmentCredentials: boolean;
}

/**
 * The cold path (a fresh Lambda environment until the response PUT) pays for every byte of index.js
 * that Node.js reads and parses, so what only some lookups need is a bundle file of its own in the
 * same directory (which `Code.fromAsset` ships whole), required on first use: the STS client
 * (cross-account lookups), the CloudFormation client (an Update's rollback check), and the SDK's
 * default credential chain beyond the environment's credentials (never needed in Lambda).
 */
export const ON_DEMAND_BUNDLES = ['sts', 'cloudformation', 'credential-chain'];

export const HANDLER_BUNDLES: readonly HandlerBundle[] = [
  { entryPoint: 'lambda/index.ts', outfile: 'assets/lambda/index/index.js', keepNames: true, environmentCredentials: true },
  ...ON_DEMAND_BUNDLES.map((name) => ({
    entryPoint: `lambda/${name}.ts`,
    outfile: `assets/lambda/index/${name}.js`,
    keepNames: true,
    // The default chain itself is the real one; the clients loaded on demand share lambda/credentials.ts.
    environmentCredentials: name !== 'credential-chain',
  })),
  // The watch's scheduled check (lambda/watch/): it shares only src/wire/ with the construct.
  { entryPoint: 'lambda/watch/index.ts', outfile: 'assets/lambda/watch/index/index.js', keepNames: false, environmentCredentials: false },
];

/** esbuild's options for one bundle. */
export function buildOptions(bundle: HandlerBundle): esbuild.BuildOptions {
  return {
    entryPoints: [bundle.entryPoint],
    outfile: bundle.outfile,
    bundle: true,
    platform: 'node',
    // The runtime the functions run on (nodejs24.x), not the Node.js that synthesizes the app.
    target: 'node24',
    format: 'cjs',
    minify: true,
    keepNames: bundle.keepNames,
    mainFields: ['module', 'main'],
    // `require('./sts')` and the others stay requires, resolved next to index.js at run time.
    external: ON_DEMAND_BUNDLES.map((name) => `./${name}`),
    alias: bundle.environmentCredentials ? { '@aws-sdk/credential-provider-node': './lambda/credentials.ts' } : {},
    // A dynamic import() starts Node.js's ESM loader (milliseconds of a cold start) even for a
    // built-in module: the SDK's ES modules import node:http that way for an http endpoint, and
    // node:async_hooks under Lambda's multi-concurrency. As requires, they load like the rest.
    supported: { 'dynamic-import': false },
    plugins: [literalSchemaKeysPlugin],
    logLevel: 'warning',
  };
}

if (require.main === module) {
  Promise.all(HANDLER_BUNDLES.map((bundle) => esbuild.build(buildOptions(bundle)))).catch(() => {
    process.exitCode = 1; // esbuild has printed the errors
  });
}
