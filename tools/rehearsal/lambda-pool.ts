import { ChildProcess, spawn } from 'child_process';
import { InvocationResult, LambdaFunctionSpec, lambdaEnvironment } from './lambda-process';

/**
 * Runs invocations the way Lambda runs a busy function: in execution environments (here, processes)
 * that each take one invocation at a time and stay warm for the next, so module state (SDK clients,
 * the handler's own counters) carries over as it does in Lambda. A new environment starts (cold) only
 * when none of the function's is idle. With a concurrency limit (the account's, or the function's
 * reserved concurrency), excess invocations wait in a first-in, first-out queue, as Lambda's
 * asynchronous queue holds CloudFormation's invocations (Lambda retries a throttled event from 1 s
 * up to 5 min apart; the rehearsal dispatches it as soon as a slot frees, the best case).
 *
 * Unlike `invokeLambda`'s fresh process, a warm environment is not frozen between invocations: work
 * a handler forgot to await may still finish. Tests of that use the fresh-process mode.
 */

/** How one pooled invocation went: as a fresh one, plus its time in the queue and whether it ran warm. */
export interface PooledInvocationResult extends InvocationResult {
  /** From the invocation's dispatch to its start in an environment. */
  readonly queuedMs: number;
  /** Ran in an environment that had served an invocation before. */
  readonly warm: boolean;
}

export interface LambdaPoolOptions {
  /** Concurrent executions of all functions together (the account's limit); unset, unlimited. */
  readonly concurrency?: number;
}

interface Pending {
  readonly fn: LambdaFunctionSpec;
  readonly event: unknown;
  readonly runtimeEnvironment: Record<string, string>;
  readonly queuedAt: number;
  readonly resolve: (result: PooledInvocationResult) => void;
}

interface Environment {
  readonly key: string;
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  served: number;
  busy?: { logs: string[]; settle: (outcome: InvocationResult['outcome']) => void };
}

/** Marks the end of an invocation on the environment's stdout, after every log line it wrote. */
const DONE = '\u0000rehearsal-done ';

/** Marks the end of the environment's init (the handler module loaded, as in Lambda's INIT phase). */
const READY = '\u0000rehearsal-ready';

// The runtime's side of a warm environment: init (load the handler), then one invocation per message.
const WORKER = `
const path = require('path');
const util = require('util');
const [file, name] = process.env._HANDLER.split('.');
const write = (...args) => process.stdout.write(util.format(...args) + '\\n');
console.log = console.info = console.warn = console.error = write;
let handler;
let initError;
try {
  handler = require(path.join(process.env.LAMBDA_TASK_ROOT, file))[name];
} catch (error) {
  initError = error;
}
process.stdout.write(${JSON.stringify(READY)} + '\\n');
process.on('message', async (message) => {
  const deadline = Date.now() + message.timeoutMs;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let outcome = 'settled';
  try {
    if (initError) throw initError;
    await handler(message.event, context);
  } catch (error) {
    write('handler rejected: ' + (error && error.stack || error));
    outcome = 'rejected';
  }
  process.stdout.write(${JSON.stringify(DONE)} + outcome + '\\n');
});
`;

export class LambdaPool {
  /** Most executions that ran at once. */
  public peakConcurrency = 0;
  /** Environments started (cold starts). */
  public coldStarts = 0;

  private readonly queue: Pending[] = [];
  private readonly environments: Environment[] = [];
  private readonly running = new Map<string, number>();
  private runningTotal = 0;
  private requests = 0;

  constructor(private readonly options: LambdaPoolOptions = {}) {}

  /** Queues one invocation; resolves when it has ended. */
  public invoke(fn: LambdaFunctionSpec, event: unknown, runtimeEnvironment: Record<string, string>): Promise<PooledInvocationResult> {
    return new Promise((resolve) => {
      this.queue.push({ fn, event, runtimeEnvironment, queuedAt: Date.now(), resolve });
      this.dispatch();
    });
  }

  /**
   * Starts `count` idle environments of the function and waits until each has loaded the handler.
   * In Lambda, a storm's cold environments initialize in parallel, each on its own share of the
   * fleet; on a 2-core machine hundreds of inits would take tens of seconds and starve the stand-ins,
   * so a storm rehearsal initializes them first. Their first invocation is still their first (cold).
   */
  public async prewarm(fn: LambdaFunctionSpec, runtimeEnvironment: Record<string, string>, count: number): Promise<void> {
    const key = keyOf(fn, runtimeEnvironment);
    const started = Array.from({ length: count }, () => this.spawn(fn, runtimeEnvironment, key));
    await Promise.all(started.map((e) => e.ready));
  }

  /** Ends every environment. */
  public close(): void {
    for (const environment of this.environments.splice(0)) {
      environment.child.kill('SIGKILL');
    }
  }

  /** Starts queued invocations, in order, while the account's and each function's limits allow. */
  private dispatch(): void {
    for (let i = 0; i < this.queue.length; ) {
      if (this.options.concurrency !== undefined && this.runningTotal >= this.options.concurrency) {
        return;
      }
      const pending = this.queue[i];
      const key = keyOf(pending.fn, pending.runtimeEnvironment);
      const reserved = pending.fn.reservedConcurrency;
      if (reserved !== undefined && (this.running.get(key) ?? 0) >= reserved) {
        i++; // this function is at its reserved concurrency; others may still run
        continue;
      }
      this.queue.splice(i, 1);
      this.start(pending, key);
    }
  }

  private start(pending: Pending, key: string): void {
    const startedAt = Date.now();
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
    this.runningTotal++;
    this.peakConcurrency = Math.max(this.peakConcurrency, this.runningTotal);
    const idle = this.environments.find((e) => e.key === key && e.busy === undefined);
    const environment = idle ?? this.spawn(pending.fn, pending.runtimeEnvironment, key);
    const warm = environment.served > 0;
    environment.served++;
    const timeoutMs = pending.fn.timeoutSeconds * 1000;
    const logs: string[] = [];
    const timer = setTimeout(() => {
      logs.push(`Task timed out after ${pending.fn.timeoutSeconds.toFixed(2)} seconds`);
      environment.busy?.settle('timed out');
      environment.child.kill('SIGKILL'); // Lambda discards an environment whose invocation timed out
    }, timeoutMs);
    environment.busy = {
      logs,
      settle: (outcome) => {
        clearTimeout(timer);
        environment.busy = undefined;
        this.running.set(key, this.running.get(key)! - 1);
        this.runningTotal--;
        pending.resolve({ outcome, durationMs: Date.now() - startedAt, queuedMs: startedAt - pending.queuedAt, warm, logs });
        this.dispatch();
      },
    };
    environment.child.send({ event: pending.event, timeoutMs, requestId: `rehearsal-${++this.requests}` });
  }

  private spawn(fn: LambdaFunctionSpec, runtimeEnvironment: Record<string, string>, key: string): Environment {
    this.coldStarts++;
    const child = spawn(process.execPath, ['-e', WORKER], {
      cwd: fn.codeDirectory,
      env: lambdaEnvironment(fn, runtimeEnvironment),
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let initialized: () => void;
    const ready = new Promise<void>((resolve) => (initialized = resolve));
    const environment: Environment = { key, child, ready, served: 0 };
    this.environments.push(environment);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === READY) {
          initialized();
        } else if (line.startsWith(DONE)) {
          environment.busy?.settle(line.slice(DONE.length) === 'settled' ? 'settled' : 'rejected');
        } else if (line.trim() !== '') {
          environment.busy?.logs.push(line);
        }
      }
    });
    child.on('exit', () => {
      initialized();
      const index = this.environments.indexOf(environment);
      if (index >= 0) {
        this.environments.splice(index, 1);
      }
      environment.busy?.settle('crashed');
    });
    return environment;
  }
}

function keyOf(fn: LambdaFunctionSpec, runtimeEnvironment: Record<string, string>): string {
  return JSON.stringify([fn.functionName, fn.codeDirectory, fn.handler, fn.environment, runtimeEnvironment]);
}
