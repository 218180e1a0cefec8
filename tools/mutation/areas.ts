/**
 * Mutation testing by area: each run mutates a few files against only the tests that can see them.
 * One run over everything makes every mutant of the construct rerun every construct test (each
 * synthesizes stacks), which takes hours on 2 cores; by area it takes well under one.
 * A score measured against fewer tests is a lower bound of the score against all of them.
 */

/** Files one run mutates, and the test files (globs under the repository root) it runs against them. */
export interface MutationArea {
  readonly mutate: readonly string[];
  readonly tests: readonly string[];
}

/** The areas, in the order `npx projen mutation:areas` runs them. Together they mutate every file of MUTATED_FOLDERS but NOT_MUTATED. */
export const AREAS: Readonly<Record<string, MutationArea>> = {
  'handler': {
    mutate: [
      'lambda/attributes.ts', 'lambda/aws.ts', 'lambda/credentials.ts', 'lambda/index.ts', 'lambda/log.ts', 'lambda/lookup.ts', 'lambda/pacing.ts',
      'lambda/reasons.ts', 'lambda/request.ts', 'lambda/respond.ts', 'lambda/response-connection.ts', 'lambda/rollback.ts', 'lambda/timing.ts',
    ],
    // The base config's testPathIgnorePatterns leave out the fuzz test (thousands of runs, no more kills).
    tests: ['test/handler/*.test.ts', 'test/construct/{patterns,budget}.test.ts'],
  },
  'wire': {
    mutate: ['src/wire/attributes.ts', 'src/wire/patterns.ts', 'src/wire/properties.ts', 'src/wire/storm.ts', 'src/wire/timing.ts'],
    tests: [
      'test/wire/*.test.ts', 'test/construct/{budget,patterns,validation}.test.ts',
      'test/handler/{storm,time-guard,entry,request,malformed,lifecycle}.test.ts',
    ],
  },
  'planner': {
    mutate: ['src/provider/resource-plan.ts', 'src/provider/policy.ts', 'src/validation.ts'],
    tests: ['test/construct/{permissions,policy,validation,patterns,policy-budget,provider}.test.ts'],
  },
  'budget': {
    mutate: ['src/timeouts.ts'],
    tests: ['test/construct/{budget,validation}.test.ts'],
  },
  'synth-time': {
    mutate: ['src/synth-time/from-lookup.ts', 'src/synth-time/lookup-role-grant.ts'],
    tests: ['test/construct/from-lookup.test.ts', 'test/construct/lookup-role-grant.test.ts'],
  },
  'acknowledgements': {
    mutate: ['src/provider/acknowledgements.ts'],
    tests: ['test/construct/{compliance,nag,provider,policy-budget}.test.ts'],
  },
  'construct': {
    mutate: ['src/event-stream.ts', 'src/lookup/event-stream-lookup.ts', 'src/lookup/refresh.ts', 'src/destination.ts'],
    tests: ['test/construct/{event-stream-lookup,validation,refresh,destination-stream,from-lookup,budget}.test.ts'],
  },
  'watch': {
    mutate: [
      'lambda/watch/aws.ts', 'lambda/watch/check.ts', 'lambda/watch/emf.ts', 'lambda/watch/index.ts',
      'src/watch/acknowledgements.ts', 'src/watch/check-function.ts', 'src/watch/event-stream-watch.ts', 'src/watch/policy.ts', 'src/watch/streams.ts',
      'src/wire/watch.ts',
    ],
    tests: ['test/handler/watch.test.ts', 'test/construct/{watch,compliance}.test.ts'],
  },
  'provider': {
    mutate: ['src/provider/provider.ts', 'src/provider/configuration.ts', 'src/provider/followers.ts', 'src/provider/registrations.ts'],
    tests: ['test/construct/{provider,policy-budget,missing-bundle,budget,event-stream-lookup,refresh,compliance,watch}.test.ts'],
  },
};

/** The folders whose code is mutated. */
export const MUTATED_FOLDERS = ['lambda', 'src'] as const;

/** Files of those folders that hold nothing a mutant could change: exports and interfaces only. */
export const NOT_MUTATED: Readonly<Record<string, string>> = {
  'src/index.ts': 'the package entry point: exports only',
  'lambda/sts.ts': 'a bundle file of its own: re-exports only',
  'lambda/cloudformation.ts': 'a bundle file of its own: re-exports only',
  'lambda/credential-chain.ts': 'a bundle file of its own: re-exports only',
  'src/lookup/props.ts': 'an interface',
  'src/provider/props.ts': 'an interface',
  'src/synth-time/options.ts': 'an interface',
  'src/watch/props.ts': 'an interface',
};
