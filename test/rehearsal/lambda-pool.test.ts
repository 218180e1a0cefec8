import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LambdaPool } from '../../tools/rehearsal/lambda-pool';
import { LambdaFunctionSpec } from '../../tools/rehearsal/lambda-process';

/** The pool of warm environments: one invocation at a time each, reused warm, queued beyond the limits. */

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-pool-'));
  const handlers: Record<string, string> = {
    // Module state survives warm invocations, as in Lambda; the log line says which invocation of its environment this is.
    counting: 'let n = 0; exports.handler = async (e, c) => { n++; console.log(JSON.stringify({ n, setting: process.env.MY_SETTING, remaining: c.getRemainingTimeInMillis() })); await new Promise((r) => setTimeout(r, e.ms ?? 0)); };',
    slow: 'exports.handler = () => new Promise(() => setInterval(() => {}, 1000));',
    throws: 'exports.handler = async () => { throw new Error("boom"); };',
    exits: 'exports.handler = async () => { process.exit(7); };',
  };
  for (const [name, code] of Object.entries(handlers)) {
    fs.writeFileSync(path.join(dir, `${name}.js`), code);
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const fn = (handler: string, extra: Partial<LambdaFunctionSpec> = {}): LambdaFunctionSpec => ({
  functionName: handler.split('.')[0],
  codeDirectory: dir,
  handler,
  timeoutSeconds: 5,
  memorySize: 128,
  runtime: 'nodejs24.x',
  environment: { MY_SETTING: 'from-template' },
  ...extra,
});
const logged = (logs: string[]) => JSON.parse(logs[0]);

test('environments are reused warm, one invocation at a time; excess invocations queue behind the limit', async () => {
  const pool = new LambdaPool({ concurrency: 2 });
  try {
    const results = await Promise.all(Array.from({ length: 6 }, () => pool.invoke(fn('counting.handler'), { ms: 150 }, {})));
    expect(pool.peakConcurrency).toBe(2);
    expect(pool.coldStarts).toBe(2);
    expect(results.every((r) => r.outcome === 'settled')).toBe(true);
    expect(results.filter((r) => r.warm)).toHaveLength(4);
    // Each environment counted its own invocations (1, 2, 3... in each of the two; how many each took depends on timing).
    const counts = results.map((r) => logged(r.logs).n as number);
    expect(counts.filter((n) => n === 1)).toHaveLength(2);
    for (let n = 2; n <= 6; n++) {
      expect(counts.filter((c) => c === n).length).toBeLessThanOrEqual(counts.filter((c) => c === n - 1).length);
    }
    expect(results.every((r) => logged(r.logs).setting === 'from-template' && logged(r.logs).remaining <= 5000)).toBe(true);
    expect(Math.max(...results.map((r) => r.queuedMs))).toBeGreaterThanOrEqual(250);
  } finally {
    pool.close();
  }
});

test('a function\'s reserved concurrency caps it, not the others', async () => {
  const pool = new LambdaPool();
  try {
    const reserved = fn('counting.handler', { reservedConcurrency: 1 });
    const results = await Promise.all([
      ...Array.from({ length: 3 }, () => pool.invoke(reserved, { ms: 100 }, {})),
      ...Array.from({ length: 2 }, () => pool.invoke(fn('counting.handler', { functionName: 'other' }), { ms: 100 }, {})),
    ]);
    expect(results.slice(0, 3).map((r) => logged(r.logs).n)).toEqual([1, 2, 3]); // one environment, in order
    expect(results.slice(3).map((r) => logged(r.logs).n)).toEqual([1, 1]); // two at once
    expect(pool.coldStarts).toBe(3);
  } finally {
    pool.close();
  }
});

test('a timed-out invocation loses its environment; the next one starts cold', async () => {
  const pool = new LambdaPool();
  try {
    const slow = fn('slow.handler', { timeoutSeconds: 1 });
    const result = await pool.invoke(slow, {}, {});
    expect(result.outcome).toBe('timed out');
    expect(result.logs.at(-1)).toBe('Task timed out after 1.00 seconds');
    expect((await pool.invoke(fn('counting.handler'), {}, {})).warm).toBe(false);
  } finally {
    pool.close();
  }
});

test('rejected and crashed handlers are reported', async () => {
  const pool = new LambdaPool();
  try {
    const rejected = await pool.invoke(fn('throws.handler'), {}, {});
    expect(rejected.outcome).toBe('rejected');
    expect(rejected.logs.join('\n')).toContain('boom');
    expect((await pool.invoke(fn('throws.handler'), {}, {})).warm).toBe(true); // a rejection keeps the environment
    expect((await pool.invoke(fn('exits.handler'), {}, {})).outcome).toBe('crashed');
  } finally {
    pool.close();
  }
});
