/**
 * The example environment of docs/environments.md, exactly as documented, in a scratch project that
 * registers it in bridle.config.ts: listed by `bridle envs`, loaded by path in worker processes for
 * `bridle eval`, and evolved by `bridle evolve`. Also the refusals a user gets for a module that is not an
 * environment, a name that does not match, and simulated backbones on an environment without an oracle.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const DOC = readFileSync(join(ROOT, 'docs', 'environments.md'), 'utf8');

/** The ts code block of the doc whose first line is `// <file>...`. */
function documented(file: string): string {
  const block = new RegExp('```ts\\n(// ' + file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + '[\\s\\S]*?)```').exec(DOC);
  if (!block) throw new Error(`docs/environments.md has no code block starting with // ${file}`);
  return block[1]!;
}

let project: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: project, encoding: 'utf8' }).trim();

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'bridle-user-env-'));
  mkdirSync(join(project, 'envs'));
  mkdirSync(join(project, 'node_modules'));
  // The project depends on bridle: here, this checkout.
  symlinkSync(ROOT, join(project, 'node_modules', 'bridle'));
  writeFileSync(join(project, 'envs', 'library.ts'), documented('envs/library.ts'));
  writeFileSync(join(project, 'bridle.config.ts'), documented('bridle.config.ts'));
  writeFileSync(join(project, '.gitignore'), 'node_modules\n');
  git('init', '-q');
  git('-c', 'user.email=test@example.org', '-c', 'user.name=test', 'add', '-A');
  git('-c', 'user.email=test@example.org', '-c', 'user.name=test', 'commit', '-qm', 'a project with its own environment');
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

const ENV = { GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.org', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.org' };

describe('a user environment from bridle.config.ts (docs/environments.md)', () => {
  it('is listed by bridle envs with its task counts and source', async () => {
    const result = await runCliAsync(['envs', '--json'], project);
    expect(result.stderr).toBe('');
    const listings = JSON.parse(result.stdout) as { name: string; source: string; tasks?: Record<string, number> }[];
    const library = listings.find((listing) => listing.name === 'library')!;
    expect(library.source).toBe(join('envs', 'library.ts'));
    expect(library.tasks).toEqual({ train: 10, validation: 6, test: 8 });
    expect(listings.map((listing) => listing.name)).toContain('retail');
  });

  it('runs in worker processes: the oracle solves every task of every split', async () => {
    for (const split of ['train', 'validation', 'test']) {
      const result = await runCliAsync(['eval', '--env', 'library', '--backbone', 'sim/oracle', '--split', split, '--trials', '1', '--workers', '2', '--json', '--no-record'], project);
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout).backbones[0].successRate, split).toBe(1);
    }
  });

  it('loads by path too, and the simulated backbones fail some tasks without a harness', async () => {
    const result = await runCliAsync(['eval', '--env', './envs/library.ts', '--backbone', 'sim/mixed,sim/slip', '--json', '--no-record'], project);
    expect(result.stderr).toBe('');
    const rates = (JSON.parse(result.stdout).backbones as { successRate: number }[]).map((summary) => summary.successRate);
    for (const rate of rates) {
      expect(rate).toBeGreaterThan(0);
      expect(rate).toBeLessThan(1);
    }
  });

  it('is evolved by bridle evolve: commits on its own run branch, test split reported', async () => {
    const init = await runCliAsync(['init'], project, ENV);
    expect(init.code).toBe(0);
    const result = await runCliAsync(['evolve', '--env', 'library', '--iterations', '2', '--trials', '2', '--train-trials', '2', '--json'], project, ENV);
    expect(result.stderr).toBe('');
    const run = JSON.parse(result.stdout) as { branch: string; commits: { subject: string }[]; test: { backbone: string }[] };
    expect(run.branch).toMatch(/^bridle\/library\//);
    expect(run.test.map((row) => row.backbone)).toEqual(['sim/mixed', 'sim/scatter', 'sim/rush']);
    for (const commit of run.commits) expect(commit.subject).toMatch(/^harness\(library\): /);
    expect(git('branch', '--list', run.branch)).not.toBe('');
  });
});

describe('refusals for environments that do not fit', () => {
  it('names what a module lacks, in one line', async () => {
    writeFileSync(join(project, 'envs', 'broken.ts'), "export default { name: 'broken', tools: [], maxSteps: 0 };\n");
    const result = await runCliAsync(['eval', '--env', './envs/broken.ts'], project);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^bridle: broken\.ts does not satisfy the Environment contract \(see docs\/environments\.md\): .*description: missing \(string\).*rules: missing \(string\).*tasks: missing \(array\).*maxSteps: .*reset: /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a config name that differs from the module\'s own name', async () => {
    writeFileSync(join(project, 'bridle.config.ts'), "export default { environments: { books: './envs/library.ts' } };\n");
    try {
      const result = await runCliAsync(['eval', '--env', 'books'], project);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe('bridle: environments["books"] points at library.ts, whose environment is named "library": use the same name in both places');
    } finally {
      writeFileSync(join(project, 'bridle.config.ts'), documented('bridle.config.ts'));
    }
  });

  it('refuses simulated backbones on an environment without an oracle', async () => {
    const source = documented('envs/library.ts').replace(/\n    oracle: .*\n/, '\n').replace("name: 'library'", "name: 'no-oracle'");
    writeFileSync(join(project, 'envs', 'no-oracle.ts'), source);
    const result = await runCliAsync(['eval', '--env', './envs/no-oracle.ts', '--backbone', 'sim/mixed'], project);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('bridle: environment "no-oracle" has no oracle, so simulated backbones (sim/mixed) cannot run on it: choose real backbones (--backbone anthropic/... or openai/...)');
  });

  it('lists the known environments for an unknown name', async () => {
    const result = await runCliAsync(['eval', '--env', 'libary'], project);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^bridle: unknown environment "libary"; known: .*library/);
  });
});
