import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeOnBuildCdk } from './fixtures/cdk-version';

/**
 * The integration test's snapshot, verified offline: synthesize `integ.event-stream-lookup.ts` the
 * way `cdk deploy --app` would run it and compare every file of the cloud assembly with the
 * committed `integ.event-stream-lookup.ts.snapshot/`. Asset directories (`asset.*`, the bundled
 * handlers) are not committed; their hashes are, in the templates and `*.assets.json`.
 *
 * Only what integ-tests-alpha changes on every synth of the same code is masked (see `normalize`):
 * the `salt` of its assertion resources (`Date.now()`, to re-run them on every deployment), the
 * hash suffix of its `AssertionResults` outputs, and the hash of the assertion stack's template.
 *
 * `INTEG_SNAPSHOT_UPDATE=1` (`npx projen integ:snapshot`) rewrites the snapshot instead.
 */
const ROOT = path.join(__dirname, '..');
const INTEG_APP = path.join(__dirname, 'integ.event-stream-lookup.ts');
const SNAPSHOT_DIR = `${INTEG_APP}.snapshot`;
const UPDATE = process.env.INTEG_SNAPSHOT_UPDATE === '1';

/** Paths of every file under `dir`, relative to it, asset directories left out. */
function assemblyFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('asset.'))
    .flatMap((entry) => {
      const relative = path.posix.join(prefix, entry.name);
      return entry.isDirectory() ? assemblyFiles(dir, relative) : [relative];
    })
    .sort();
}

/** A synthesized cloud assembly, file by file (asset directories left out), with churn masked. */
function normalize(dir: string): Map<string, string> {
  const files = new Map(assemblyFiles(dir).map((file) => [file, fs.readFileSync(path.join(dir, file), 'utf8')]));
  // Templates that integ-tests salts change on every synth, and so do their asset hashes.
  const saltedTemplateHashes = [...files]
    .filter(([file, text]) => file.endsWith('.template.json') && /"salt": "\d+"/.test(text))
    .map(([, text]) => crypto.createHash('sha256').update(text).digest('hex'));
  for (const [file, text] of files) {
    let masked = text
      .replace(/"salt": "\d+"/g, '"salt": "<salt>"')
      .replace(/"(AssertionResults\w*?)[0-9a-f]{32}"/g, '"$1<hash>"');
    for (const hash of saltedTemplateHashes) {
      masked = masked.split(hash).join('<salted-template-hash>');
    }
    if (file.endsWith('.assets.json') && masked.includes('<salted-template-hash>')) {
      const manifest = JSON.parse(masked) as { files: Record<string, { destinations: Record<string, unknown> }> };
      const entry = manifest.files['<salted-template-hash>'];
      entry.destinations = Object.fromEntries(
        Object.entries(entry.destinations).map(([id, destination]) => [id.replace(/-[0-9a-f]{8}$/, '-<hash>'), destination]),
      );
      masked = JSON.stringify(manifest, undefined, 2);
    }
    files.set(file, masked);
  }
  return files;
}

function synthesize(outdir: string): void {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: outdir };
  // Nothing from a surrounding `cdk` invocation may leak into the snapshot.
  delete env.CDK_CONTEXT_JSON;
  delete env.CDK_DEFAULT_ACCOUNT;
  delete env.CDK_DEFAULT_REGION;
  // The assembly is what integ-runner synthesizes: with aws-cdk-lib's template validation (and its
  // report), which test/fixtures/jest-setup.ts turns off for in-process synths.
  delete env.CDK_VALIDATION;
  execFileSync(
    process.execPath,
    [require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', path.join(__dirname, 'tsconfig.json'), INTEG_APP],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

describeOnBuildCdk('integration test snapshot', 'the cloud assembly (schema version, metadata) is the build\'s aws-cdk-lib\'s', () => {
  let outdir: string;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-event-stream-lookup-'));
    synthesize(outdir);
  }, 120_000);

  afterAll(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  if (UPDATE) {
    test('rewrites the committed snapshot', () => {
      fs.rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
      for (const [file, text] of normalize(outdir)) {
        fs.mkdirSync(path.dirname(path.join(SNAPSHOT_DIR, file)), { recursive: true });
        fs.writeFileSync(path.join(SNAPSHOT_DIR, file), text);
      }
      expect(assemblyFiles(SNAPSHOT_DIR)).toEqual(assemblyFiles(outdir));
    });
    return;
  }

  test('the snapshot is committed', () => {
    expect(fs.existsSync(SNAPSHOT_DIR)).toBe(true);
  });

  test('synthesizes the stacks and the assertions the snapshot holds', () => {
    expect(assemblyFiles(outdir)).toEqual(assemblyFiles(SNAPSHOT_DIR));
    expect(assemblyFiles(outdir)).toEqual(
      expect.arrayContaining([
        'integ.json',
        'manifest.json',
        'EventStreamLookupIntegOwner.template.json',
        'EventStreamLookupIntegConsumer.template.json',
      ]),
    );
  });

  test('every file matches the snapshot (update it with "npx projen integ:snapshot")', () => {
    const actual = normalize(outdir);
    const changed = assemblyFiles(SNAPSHOT_DIR).filter(
      (file) => actual.get(file) !== fs.readFileSync(path.join(SNAPSHOT_DIR, file), 'utf8'),
    );
    for (const file of changed) {
      // Shows the difference in jest's diff format, file by file.
      expect({ file, content: actual.get(file) }).toEqual({
        file,
        content: fs.readFileSync(path.join(SNAPSHOT_DIR, file), 'utf8'),
      });
    }
    expect(changed).toEqual([]);
  });
});
