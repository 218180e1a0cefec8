import * as fs from 'fs';
import * as path from 'path';
import { buildOptions, HANDLER_BUNDLES } from '../../projenrc/handler-bundles';
import { literalSchemaKeys, SCHEMA_MODULE } from '../../projenrc/literal-schema-keys';

const ROOT = path.join(__dirname, '..', '..');

describe('literalSchemaKeys', () => {
  test('writes computed keys of the module\'s string constants as the literals they are', () => {
    const source = [
      'const _h = "http";',
      'const _e = "error";',
      'export var Op$ = [9, n0, _O, { [_h]: ["GET", "/x", 200] }, () => In$];',
      'export var Err$ = [-3, n0, _E,',
      '    { [_e]: _c,\n    [_h]: 404 }, [], []];',
    ].join('\n');
    const { source: rewritten, replaced } = literalSchemaKeys(source);
    expect(replaced).toBe(3);
    expect(rewritten).toContain('{ "http": ["GET", "/x", 200] }');
    expect(rewritten).toContain('{ "error": _c,\n    "http": 404 }');
    expect(rewritten).not.toMatch(/\[_\w+\]/);
  });

  test('leaves any other computed key, and the constants themselves, as they are', () => {
    const source = 'const _h = "http";\nlet _v = "mutable";\nconst _n = 3;\nexport var A = { [_v]: 1, [_n]: 2, [other]: 3, [_missing]: 4 };\nexport var B = x[_h];';
    expect(literalSchemaKeys(source)).toEqual({ source, replaced: 0 });
  });

  test('keeps escapes in the literal', () => {
    expect(literalSchemaKeys('const _q = "a\\"b";\nvar o = { [_q]: 1 };').source).toContain('{ "a\\"b": 1 }');
  });

  test('the installed Customer Profiles client still has the shape it rewrites: no computed key of a constant is left', () => {
    const dir = path.join(ROOT, 'node_modules', '@aws-sdk', 'client-customer-profiles', 'dist-es', 'schemas');
    const modules = fs.readdirSync(dir).map((f) => path.join(dir, f)).filter((f) => SCHEMA_MODULE.test(f));
    expect(modules.length).toBeGreaterThan(0);
    for (const file of modules) {
      const { source, replaced } = literalSchemaKeys(fs.readFileSync(file, 'utf8'));
      expect(replaced).toBeGreaterThan(100);
      expect(source).not.toMatch(/[{,]\s*\[_\w+\]\s*:/);
    }
  });
});

describe('the handler bundles', () => {
  test('every bundle goes through the plugin, minified for Node.js 24, the on-demand files left as requires', () => {
    expect(HANDLER_BUNDLES.map((b) => b.outfile)).toEqual([
      'assets/lambda/index/index.js',
      'assets/lambda/index/sts.js',
      'assets/lambda/index/cloudformation.js',
      'assets/lambda/index/credential-chain.js',
      'assets/lambda/watch/index/index.js',
    ]);
    for (const bundle of HANDLER_BUNDLES) {
      const options = buildOptions(bundle);
      expect(options).toMatchObject({ bundle: true, platform: 'node', target: 'node24', format: 'cjs', minify: true, external: ['./sts', './cloudformation', './credential-chain'] });
      expect(options.plugins?.map((p) => p.name)).toEqual(['literal-schema-keys']);
    }
  });

  test('the lookup handler\'s entry holds GetEventStream\'s schema and no other operation\'s, nor the clients it loads on demand', () => {
    const entry = fs.readFileSync(path.join(ROOT, 'assets', 'lambda', 'index', 'index.js'), 'utf8');
    expect(entry).toContain('com.amazonaws.customerprofiles');
    expect(entry).toContain('/domains/{DomainName}/event-streams/{EventStreamName}');
    // Operations of the same client it never calls; the services of the files it loads on demand.
    const absent = ['CreateEventStream', 'ListEventStreams', 'SearchProfiles', 'com.amazonaws.sts', 'com.amazonaws.cloudformation'];
    expect(absent.filter((text) => entry.includes(text))).toEqual([]);
  });

  test('no bundle holds a dynamic import(), which would start Node.js\'s ESM loader: they are requires', () => {
    for (const bundle of HANDLER_BUNDLES) {
      const code = fs.readFileSync(path.join(ROOT, bundle.outfile), 'utf8');
      expect({ bundle: bundle.outfile, dynamicImports: code.match(/[^\w$.]import\(/g) ?? [] }).toEqual({ bundle: bundle.outfile, dynamicImports: [] });
    }
    // The SDK's import('node:http') for an http endpoint, as a require.
    expect(fs.readFileSync(path.join(ROOT, 'assets', 'lambda', 'index', 'index.js'), 'utf8')).toMatch(/require\("node:http"\)/);
  });
});
