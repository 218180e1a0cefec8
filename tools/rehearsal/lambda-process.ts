import { spawn } from 'child_process';

/**
 * Runs a bundled Lambda handler in a child process the way Lambda runs it: a clean environment
 * (the function's variables plus what the runtime sets), a context whose remaining time counts
 * down from the function's timeout, and a process that ends as soon as the handler settles, so
 * anything not awaited is lost, as it is in Lambda.
 */

/** What the runtime needs to know of the function. */
export interface LambdaFunctionSpec {
  readonly functionName: string;
  /** Directory of the unpacked code (the asset in cdk.out). */
  readonly codeDirectory: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly runtime: string;
  readonly environment: Record<string, string>;
  /** The function's reserved concurrency: at most this many of its invocations run at once (a pool enforces it). */
  readonly reservedConcurrency?: number;
}

/** How one invocation ended. */
export interface InvocationResult {
  readonly outcome: 'settled' | 'rejected' | 'timed out' | 'crashed';
  readonly durationMs: number;
  readonly logs: string[];
}

/** The environment Lambda gives the function's process: the runtime's variables, then the function's own. */
export function lambdaEnvironment(fn: LambdaFunctionSpec, runtimeEnvironment: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    LAMBDA_TASK_ROOT: fn.codeDirectory,
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    ...runtimeEnvironment,
    ...fn.environment,
  };
}

// The runtime's side: load the handler, count the remaining time down, exit when the handler settles.
const BOOTSTRAP = `
const path = require('path');
const [file, name] = process.env._HANDLER.split('.');
const deadline = Date.now() + Number(process.env.REHEARSAL_TIMEOUT_MS);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: process.env.REHEARSAL_REQUEST_ID,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const handler = require(path.join(process.env.LAMBDA_TASK_ROOT, file))[name];
    await handler(JSON.parse(input), context);
    process.exit(0);
  } catch (error) {
    console.error('handler rejected: ' + (error && error.stack || error));
    process.exit(3);
  }
});
`;

/**
 * Starting a process blocks this one (`spawn` returns once the child has exec'd, tens of ms on a
 * busy machine), and a child gets its event only when this process's event loop turns. Were a
 * storm's processes started in one go, every event would wait for the last start and the stand-ins,
 * which run here, would answer nothing meanwhile: Lambda starts each environment on its own. So one
 * start per turn of the event loop, in the order the invocations came.
 */
let spawnTurn: Promise<void> = Promise.resolve();
function nextSpawnTurn(): Promise<void> {
  spawnTurn = spawnTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return spawnTurn;
}

export async function invokeLambda(fn: LambdaFunctionSpec, event: unknown, runtimeEnvironment: Record<string, string>): Promise<InvocationResult> {
  await nextSpawnTurn();
  const timeoutMs = fn.timeoutSeconds * 1000;
  const requestId = `rehearsal-${process.hrtime.bigint()}`;
  const env = { ...lambdaEnvironment(fn, runtimeEnvironment), REHEARSAL_TIMEOUT_MS: String(timeoutMs), REHEARSAL_REQUEST_ID: requestId };
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', BOOTSTRAP], { cwd: fn.codeDirectory, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const logs: string[] = [];
    const collect = (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      logs.push(`Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const outcome = timedOut ? 'timed out' : code === 0 ? 'settled' : code === 3 ? 'rejected' : 'crashed';
      resolve({ outcome, durationMs: Date.now() - started, logs });
    });
    child.stdin.end(JSON.stringify(event));
  });
}
