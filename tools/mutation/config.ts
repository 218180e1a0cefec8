import { MutationArea } from './areas';

/**
 * Stryker configs per area, derived from the generated stryker.config.json, and the scores of the
 * areas' reports added up per folder. Pure: main.ts does the files and the runs.
 */

/** Where an area's config, incremental file and reports live (under the git-ignored reports/). */
export function areaDir(name: string): string {
  return `reports/mutation/${name}`;
}

/** The base config with the area's files and tests, and files of its own, so that areas never share results. */
export function areaConfig(base: Record<string, any>, name: string, area: MutationArea): Record<string, unknown> {
  const { $schema, '//': generated, ...rest } = base;
  const dir = areaDir(name);
  return {
    ...rest,
    mutate: [...area.mutate],
    jest: { ...rest.jest, config: { ...rest.jest.config, testMatch: area.tests.map((glob) => `<rootDir>/${glob}`) } },
    incrementalFile: `${dir}/incremental.json`,
    htmlReporter: { fileName: `${dir}/mutation.html` },
    jsonReporter: { fileName: `${dir}/mutation.json` },
  };
}

/** What a mutation-testing-report-schema JSON report holds that the summary reads. */
export interface MutationReport {
  readonly files: Record<string, { readonly mutants: ReadonlyArray<{ readonly status: string }> }>;
}

/** Mutants of one folder by outcome, and its score as Stryker computes it. */
export interface FolderScore {
  readonly folder: string;
  readonly files: number;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly noCoverage: number;
  readonly ignored: number;
  /** Detected (killed or timed out) over valid (detected, survived or uncovered), in percent; NaN with no valid mutant. */
  readonly score: number;
}

const COUNTED = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage', Ignored: 'ignored' } as const;

/** Adds up the reports per top folder of the mutated files (`lambda/x.ts` counts for `lambda`). */
export function scoresByFolder(reports: readonly MutationReport[]): FolderScore[] {
  const folders = new Map<string, { files: Set<string>; counts: Record<string, number> }>();
  for (const report of reports) {
    for (const [file, { mutants }] of Object.entries(report.files)) {
      const folder = file.split('/')[0];
      const entry = folders.get(folder) ?? { files: new Set<string>(), counts: {} };
      folders.set(folder, entry);
      entry.files.add(file);
      for (const { status } of mutants) {
        const key = COUNTED[status as keyof typeof COUNTED];
        if (key) {
          entry.counts[key] = (entry.counts[key] ?? 0) + 1;
        }
      }
    }
  }
  return [...folders.keys()].sort().map((folder) => {
    const { files, counts } = folders.get(folder)!;
    const [killed, timeout, survived, noCoverage, ignored] = Object.values(COUNTED).map((key) => counts[key] ?? 0);
    const detected = killed + timeout;
    const score = (100 * detected) / (detected + survived + noCoverage);
    return { folder, files: files.size, killed, timeout, survived, noCoverage, ignored, score };
  });
}

/** The scores as the markdown table of CONTRIBUTING.md ("Mutation testing"). */
export function scoreTable(scores: readonly FolderScore[]): string {
  const rows = scores.map((s) =>
    `| \`${s.folder}/\` | ${s.files} | ${s.killed + s.timeout + s.survived + s.noCoverage} | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} | ${s.score.toFixed(2)}% |`);
  return [
    '| folder | files | mutants | killed | timed out | survived | no coverage | score |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
