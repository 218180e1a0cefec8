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

/** Synthesizes `examples/NAME` with `cdk synth` into `outdir` and returns the cloud assembly. */
export async function synthExample(name: string, outdir: string, context: Record<string, string> = {}): Promise<CloudAssembly> {
  const contextArgs = Object.entries(context).flatMap(([key, value]) => ['--context', `${key}=${value}`]);
  const result = await runCdk(['synth', '--quiet', '--output', outdir, ...contextArgs], { cwd: path.join(EXAMPLES_DIR, name) });
  if (result.status !== 0) {
    throw new Error(`cdk synth of examples/${name} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  return new CloudAssembly(outdir);
}

/** The examples: every folder of `examples/` with a `cdk.json`. */
export function exampleNames(): string[] {
  return fs
    .readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(EXAMPLES_DIR, entry.name, 'cdk.json')))
    .map((entry) => entry.name)
    .sort();
}
