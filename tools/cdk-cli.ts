import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

/**
 * The real CDK CLI (the pinned `aws-cdk` dev dependency), run as a user runs it, but kept off the
 * network and out of the user's home: no telemetry, no notices, its cache in a temporary CDK_HOME,
 * and every AWS call it might try sent to a closed port on loopback.
 */

/** Root of this repository. */
export const REPO_ROOT = path.join(__dirname, '..');
/** Where the examples live; each has its own `cdk.json`. */
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

const CLI = path.join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Working directory (the CLI reads `cdk.json` and `cdk.context.json` there). */
  readonly cwd: string;
  /** Extra environment variables, for example endpoints of local stand-ins. */
  readonly env?: Record<string, string>;
}

/** Runs `cdk ARGS...` and resolves with its exit status and output (it never rejects on a failing status). */
export function runCdk(args: string[], options: CliOptions): Promise<CliResult> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-cdk-home-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    CDK_HOME: home,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CI: 'true',
    // No instance metadata, and any unexpected AWS call goes to a closed port on loopback.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_CONFIG_FILE: path.join(home, 'config'),
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--no-notices'], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      fs.rmSync(home, { recursive: true, force: true });
      resolve({ status, stdout, stderr });
    });
  });
}

/** Synthesizes `examples/NAME` with `cdk synth` into `outdir` and returns the cloud assembly; `env` adds to the CLI's environment. */
export async function synthExample(
  name: string,
  outdir: string,
  context: Record<string, string> = {},
  env?: Record<string, string>,
): Promise<CloudAssembly> {
  const result = await synthIn(path.join(EXAMPLES_DIR, name), outdir, { context, env });
  if (result.status !== 0) {
    throw new Error(`cdk synth of examples/${name} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  return new CloudAssembly(outdir);
}

/** Runs `cdk synth` in `dir` (an app with its `cdk.json`) into `outdir`; `env` adds to the CLI's environment. */
export function synthIn(
  dir: string,
  outdir: string,
  options: { context?: Record<string, string>; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const contextArgs = Object.entries(options.context ?? {}).flatMap(([key, value]) => ['--context', `${key}=${value}`]);
  return runCdk(['synth', '--quiet', '--output', outdir, ...contextArgs], { cwd: dir, env: options.env });
}

/**
 * A scratch copy of `examples/NAME` without its `cdk.context.json` (so the CLI looks everything up
 * again and writes a new one there), in `.tmp/NAME-XXXXXX/`: as deep as `examples/NAME/`, so the
 * example's relative paths (`../../src`, `node_modules`) still resolve. Remove it when done.
 */
export function scratchCopyOfExample(name: string): string {
  fs.mkdirSync(path.join(REPO_ROOT, '.tmp'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, '.tmp', `${name}-`));
  const source = path.join(EXAMPLES_DIR, name);
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    if (entry.isFile() && entry.name !== CONTEXT_FILE) {
      fs.copyFileSync(path.join(source, entry.name), path.join(dir, entry.name));
    }
  }
  return dir;
}

/** The file the CLI caches lookups in, next to `cdk.json`. */
export const CONTEXT_FILE = 'cdk.context.json';

/** The examples: every folder of `examples/` with a `cdk.json`. */
export function exampleNames(): string[] {
  return fs
    .readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(EXAMPLES_DIR, entry.name, 'cdk.json')))
    .map((entry) => entry.name)
    .sort();
}
