import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * What `npm publish` would ship. Runs after compile (projen's build runs jest after jsii), so lib/,
 * .jsii and the bundled handler exist.
 */
const ROOT = path.join(__dirname, '..');

/** Everything a consumer (npm, jsii runtimes, Construct Hub) needs, and nothing else. */
const ALLOWED_TOP_LEVEL = ['.jsii', 'API.md', 'LICENSE', 'README.md', 'assets', 'lib', 'package.json'];

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_loglevel: 'silent' },
  });
  const [pack] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  return pack.files.map((f) => f.path).sort();
}

describe('npm package', () => {
  let files: string[];

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js')) || !fs.existsSync(path.join(ROOT, '.jsii'))) {
      throw new Error('lib/ or .jsii is missing: run "npx projen compile" (or "npx projen build") first');
    }
    files = packedFiles();
  }, 60_000);

  test('holds exactly the allowed top-level entries', () => {
    const topLevel = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(topLevel).toEqual(ALLOWED_TOP_LEVEL);
  });

  test('holds the compiled library, its typings and the bundled handler', () => {
    expect(files).toEqual(
      expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', 'assets/lambda/index/index.js', 'assets/lambda/watch/index/index.js', '.jsii']),
    );
  });

  test('the assets are the two bundles alone: the lookup handler (its entry and the files it loads on demand) and the watch\'s check', () => {
    expect(files.filter((f) => f.startsWith('assets/'))).toEqual([
      'assets/lambda/index/cloudformation.js',
      'assets/lambda/index/credential-chain.js',
      'assets/lambda/index/index.js',
      'assets/lambda/index/sts.js',
      'assets/lambda/watch/index/index.js',
    ]);
  });

  test('holds no sources, tests or tooling', () => {
    const forbidden = files.filter(
      (f) =>
        f.startsWith('lambda/') ||
        f.startsWith('test/') ||
        f.startsWith('src/') ||
        f.startsWith('rosetta/') ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
        f.endsWith('.tabl.json'),
    );
    expect(forbidden).toEqual([]);
  });

  test('lib/ holds only JavaScript and typings', () => {
    const odd = files.filter((f) => f.startsWith('lib/') && !f.endsWith('.js') && !f.endsWith('.d.ts'));
    expect(odd).toEqual([]);
  });
});
