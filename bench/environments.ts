/**
 * `npm run bench:envs`: every built-in environment's README numbers from one command (all SIMULATED
 * backbones, not LLMs).
 *  1. Raw bands: each default simulated profile with no harness on the test split, 3 trials, seed 0
 *     (what `bridle eval --env <env> --harness none --split test --trials 3 --seed 0` prints): success,
 *     pass^3, mean steps, and wall time per environment; cells outside the 10–60% band are marked.
 *  2. With --evolve: `bridle evolve --env <env>` with its defaults, in a scratch clone of this
 *     repository (removed afterwards): accepted modules, sealed test success empty → final.
 * Peer benchmarks read ../shared/bench-data (or --data <dir>) and are skipped, in one line, without it.
 * Prints markdown tables, writes JSON to .bridle/bench/environments.json and, with --markdown <file>,
 * the tables to that file. Progress goes to stderr.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BridleError } from '../src/errors.ts';
import { SIMULATED_NOTE } from '../src/cli/format.ts';
import { measureBands } from './environments/bands.ts';
import { measureEvolve, type EvolveMeasurement } from './environments/evolve.ts';
import { bandsMarkdown, evolveMarkdown } from './environments/markdown.ts';
import { parseBenchArguments } from './environments/options.ts';

const repository = fileURLToPath(new URL('..', import.meta.url));

function progress(line: string): void {
  process.stderr.write(`bench:envs: ${line}\n`);
}

function loadAverage(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}

async function main(): Promise<void> {
  const options = parseBenchArguments(process.argv.slice(2), repository);
  const startedAt = new Date().toISOString();
  const loadAtStart = loadAverage();
  progress(`load average ${loadAtStart} (1, 5, 15 min) on ${cpus().length} cores; environments: ${options.environments.join(', ')}`);
  const bands = await measureBands({ root: repository, environments: options.environments, ...(options.data === undefined ? {} : { data: options.data }), progress });
  if (bands.skipped.length > 0) progress(`skipped ${bands.skipped.map((skip) => `${skip.environment}: ${skip.reason}`).join('; ')}`);
  const evolved: EvolveMeasurement[] = [];
  if (options.evolve) {
    for (const band of bands.environments) {
      evolved.push(await measureEvolve({ repository, environment: band.environment, ...(options.data === undefined ? {} : { data: options.data }), progress }));
    }
  }
  const loadAtEnd = loadAverage();
  progress(`load average ${loadAtEnd} at the end`);

  const markdown = [bandsMarkdown(bands), ...(options.evolve ? ['', evolveMarkdown(evolved)] : []), '', SIMULATED_NOTE, ''].join('\n');
  process.stdout.write(markdown);
  const directory = join(process.cwd(), '.bridle', 'bench');
  mkdirSync(directory, { recursive: true });
  const output = join(directory, 'environments.json');
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repository, encoding: 'utf8' }).trim();
  const report = { startedAt, simulated: true, note: SIMULATED_NOTE, commit, cores: cpus().length, loadAverage: { start: loadAtStart, end: loadAtEnd }, node: process.version, data: options.data ?? null, bands, ...(options.evolve ? { evolve: evolved } : {}) };
  writeFileSync(output, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`written: ${output}\n`);
  if (options.markdown !== undefined) {
    writeFileSync(options.markdown, markdown);
    process.stdout.write(`written: ${options.markdown}\n`);
  }
}

try {
  await main();
} catch (error) {
  // A user mistake or a refused setting is one line; anything else is a bug and keeps its stack.
  if (!BridleError.isInstance(error)) throw error;
  process.stderr.write(`bench:envs: ${error.message}\n`);
  process.exitCode = 2;
}
