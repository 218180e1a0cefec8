// The module object itself (a namespace import is frozen), so that jest can spy on its spawn.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import childProcess = require('child_process');
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { invokeLambda, LambdaFunctionSpec } from '../../tools/rehearsal/lambda-process';
import { ResponseReceiver } from '../../tools/stand-ins/response-receiver';

/** The runtime stand-in must be as unforgiving as Lambda: these handlers are deliberately wrong. */

let receiver: ResponseReceiver;
let dir: string;
beforeAll(async () => {
  receiver = await ResponseReceiver.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-runtime-'));
  const put = `(url, body) => new Promise((resolve) => {
    const req = require('https').request(url, { method: 'PUT', headers: { 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', resolve); });
    req.end(body);
  })`;
  const handlers: Record<string, string> = {
    awaited: `const put = ${put}; exports.handler = async (e, c) => { await put(e.ResponseURL, JSON.stringify({ remaining: c.getRemainingTimeInMillis(), env: process.env.MY_SETTING, key: process.env.AWS_ACCESS_KEY_ID ?? null })); };`,
    forgotten: `const put = ${put}; exports.handler = async (e) => { setTimeout(() => put(e.ResponseURL, '{}'), 200); };`,
    slow: 'exports.handler = () => new Promise(() => setInterval(() => {}, 1000));',
    throws: 'exports.handler = async () => { throw new Error("boom"); };',
  };
  for (const [name, code] of Object.entries(handlers)) {
    fs.writeFileSync(path.join(dir, `${name}.js`), code);
  }
});
afterAll(async () => {
  await receiver.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const fn = (handler: string, timeoutSeconds = 5): LambdaFunctionSpec => ({
  functionName: 'f',
  codeDirectory: dir,
  handler,
  timeoutSeconds,
  memorySize: 128,
  runtime: 'nodejs24.x',
  environment: { MY_SETTING: 'from-template' },
});
const runtimeEnv = () => ({ NODE_EXTRA_CA_CERTS: receiver.caFile });

test('the context counts down from the timeout; the environment is the function\'s, not the parent\'s', async () => {
  process.env.AWS_ACCESS_KEY_ID = 'PARENT-KEY-MUST-NOT-LEAK';
  const url = receiver.issueUrl();
  const result = await invokeLambda(fn('awaited.handler', 4), { ResponseURL: url }, runtimeEnv());
  delete process.env.AWS_ACCESS_KEY_ID;
  expect(result.outcome).toBe('settled');
  const body = (await receiver.nextResponse(url)).json;
  expect(body.remaining).toBeLessThanOrEqual(4000); // never more than the function's timeout
  expect(body.remaining).toBeGreaterThan(0);
  expect(body.env).toBe('from-template');
  expect(body.key).toBeNull();
});

test('a PUT that is not awaited is lost, as in Lambda', async () => {
  const url = receiver.issueUrl();
  const result = await invokeLambda(fn('forgotten.handler'), { ResponseURL: url }, runtimeEnv());
  expect(result.outcome).toBe('settled');
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(receiver.responsesFor(url)).toHaveLength(0);
});

test('a handler that outlives its timeout is killed', async () => {
  const result = await invokeLambda(fn('slow.handler', 1), {}, runtimeEnv());
  expect(result.outcome).toBe('timed out');
  expect(result.logs.at(-1)).toBe('Task timed out after 1.00 seconds');
});

test('a rejected handler is reported', async () => {
  const result = await invokeLambda(fn('throws.handler'), {}, runtimeEnv());
  expect(result.outcome).toBe('rejected');
  expect(result.logs.join('\n')).toContain('boom');
});

test('a storm starts one process per turn of the event loop, so each gets its event without waiting for the others to start', async () => {
  const spawn = jest.spyOn(childProcess, 'spawn');
  try {
    const urls = [1, 2, 3].map(() => receiver.issueUrl());
    const runs = urls.map((url) => invokeLambda(fn('awaited.handler'), { ResponseURL: url }, runtimeEnv()));
    while (spawn.mock.calls.length === 0) {
      await new Promise(setImmediate);
    }
    expect(spawn).toHaveBeenCalledTimes(1); // the others wait for their own turns
    expect((await Promise.all(runs)).map((r) => r.outcome)).toEqual(['settled', 'settled', 'settled']);
    expect(spawn).toHaveBeenCalledTimes(3);
    expect(urls.map((url) => receiver.responsesFor(url).length)).toEqual([1, 1, 1]);
  } finally {
    spawn.mockRestore();
  }
});
