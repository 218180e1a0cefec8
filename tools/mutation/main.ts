import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AREAS } from './areas';
import { areaConfig, areaDir, MutationReport, scoresByFolder, scoreTable } from './config';

/**
 * `npx projen mutation:areas [AREA...]`: runs Stryker area by area (tools/mutation/areas.ts), one
 * after the other (two runs at once on 2 cores time mutants out), then prints the score per folder
 * over every area's latest report. Not part of the build; each area keeps an incremental file, so a
 * rerun only tests the mutants whose code or tests changed.
 */

const ROOT = path.join(__dirname, '..', '..');

function main(names: string[]): void {
  const unknown = names.filter((name) => !(name in AREAS));
  if (unknown.length > 0) {
    throw new Error(`Unknown mutation area ${unknown.join(', ')}: expected any of ${Object.keys(AREAS).join(', ')}.`);
  }
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf8'));
  for (const name of names.length > 0 ? names : Object.keys(AREAS)) {
    const dir = path.join(ROOT, areaDir(name));
    fs.mkdirSync(dir, { recursive: true });
    const configFile = path.join(dir, 'stryker.config.json');
    fs.writeFileSync(configFile, JSON.stringify(areaConfig(base, name, AREAS[name]), undefined, 2));
    console.log(`\n=== mutation area ${name}: ${AREAS[name].mutate.join(', ')}`);
    const run = spawnSync('npx', ['stryker', 'run', configFile], { cwd: ROOT, stdio: 'inherit' });
    if (run.status !== 0) {
      throw new Error(`Stryker failed for area ${name} (exit ${run.status}); its log is above.`);
    }
  }
  const reports = Object.keys(AREAS)
    .map((name) => path.join(ROOT, areaDir(name), 'mutation.json'))
    .filter((file) => fs.existsSync(file))
    .map((file) => JSON.parse(fs.readFileSync(file, 'utf8')) as MutationReport);
  console.log(`\nScores per folder over the ${reports.length} area report(s) in reports/mutation/:\n\n${scoreTable(scoresByFolder(reports))}`);
}

main(process.argv.slice(2));
