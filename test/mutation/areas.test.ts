import * as fs from 'fs';
import * as path from 'path';
import { AREAS, MUTATED_FOLDERS, NOT_MUTATED } from '../../tools/mutation/areas';
import { areaConfig, MutationReport, scoresByFolder, scoreTable } from '../../tools/mutation/config';

/** The mutation areas cover the code once each, and their configs and scores are derived faithfully. */

const ROOT = path.join(__dirname, '..', '..');

function tsFiles(folder: string): string[] {
  return fs.readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${folder}/${file.split(path.sep).join('/')}`);
}

/** `a/{b,c}.ts` as `a/b.ts`, `a/c.ts` (the only glob besides `*` that the areas use). */
function expandBraces(glob: string): string[] {
  const match = /^(.*)\{([^}]*)\}(.*)$/.exec(glob);
  return match ? match[2].split(',').map((part) => `${match[1]}${part}${match[3]}`) : [glob];
}

describe('the areas', () => {
  test('mutate every file of lambda/ and src/ exactly once, except those with nothing to mutate', () => {
    const mutated = Object.values(AREAS).flatMap((area) => area.mutate);
    expect(mutated.length).toBe(new Set(mutated).size);
    const all = MUTATED_FOLDERS.flatMap(tsFiles).sort();
    expect([...mutated, ...Object.keys(NOT_MUTATED)].sort()).toEqual(all);
  });

  test('name test files that exist', () => {
    for (const [name, area] of Object.entries(AREAS)) {
      for (const file of area.tests.flatMap(expandBraces)) {
        const exists = file.includes('*') ? fs.existsSync(path.join(ROOT, path.dirname(file))) : fs.existsSync(path.join(ROOT, file));
        expect({ name, file, exists }).toEqual({ name, file, exists: true });
      }
    }
  });
});

describe('an area\'s config', () => {
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf8'));

  test('is the generated one with the area\'s files, tests and report paths, and nothing else changed', () => {
    const config = areaConfig(base, 'budget', AREAS.budget) as any;
    expect(config.mutate).toEqual(['src/timeouts.ts']);
    expect(config.jest.config.testMatch).toEqual(['<rootDir>/test/construct/{budget,validation}.test.ts']);
    expect(config.incrementalFile).toBe('reports/mutation/budget/incremental.json');
    expect(config.jsonReporter).toEqual({ fileName: 'reports/mutation/budget/mutation.json' });
    expect(config.htmlReporter).toEqual({ fileName: 'reports/mutation/budget/mutation.html' });
    const { $schema, '//': generated, ...kept } = base;
    const { mutate, incrementalFile, jsonReporter, htmlReporter } = kept;
    expect({ ...config, mutate, incrementalFile, jsonReporter, htmlReporter })
      .toEqual({ ...kept, jest: { ...kept.jest, config: { ...kept.jest.config, testMatch: config.jest.config.testMatch } } });
    expect(config.jest.config.testPathIgnorePatterns).toContain('fuzz\\.test\\.ts$');
  });
});

describe('the scores', () => {
  const report = (files: Record<string, string[]>): MutationReport => ({
    files: Object.fromEntries(Object.entries(files).map(([file, statuses]) => [file, { mutants: statuses.map((status) => ({ status })) }])),
  });

  test('add up per folder: detected (killed, timed out) over detected, survived and uncovered', () => {
    const scores = scoresByFolder([
      report({ 'src/b.ts': ['NoCoverage', 'Killed'], 'lambda/a.ts': ['Killed', 'Killed', 'Timeout', 'Survived', 'Ignored', 'CompileError'] }),
      report({ 'lambda/c.ts': ['Killed', 'Killed'] }),
    ]);
    expect(scores).toEqual([
      { folder: 'lambda', files: 2, killed: 4, timeout: 1, survived: 1, noCoverage: 0, ignored: 1, score: (100 * 5) / 6 },
      { folder: 'src', files: 1, killed: 1, timeout: 0, survived: 0, noCoverage: 1, ignored: 0, score: 50 },
    ]);
    expect(scoreTable(scores).split('\n')).toEqual([
      '| folder | files | mutants | killed | timed out | survived | no coverage | score |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      '| `lambda/` | 2 | 6 | 4 | 1 | 1 | 0 | 83.33% |',
      '| `src/` | 1 | 2 | 1 | 0 | 0 | 1 | 50.00% |',
    ]);
  });
});
