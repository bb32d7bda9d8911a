/**
 * `npm run bench:envs`: the core functions on a small slice (one environment, two test tasks, one trial,
 * in this process), the table shape, the flags, and the scratch clone evolve runs in. No full measurement.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { measureBands, outsideBand } from '../../bench/environments/bands.ts';
import { withScratchClone } from '../../bench/environments/evolve.ts';
import { bandsMarkdown, evolveMarkdown } from '../../bench/environments/markdown.ts';
import { parseBenchArguments } from '../../bench/environments/options.ts';
import { git, temporaryProject } from '../helpers/repos.ts';

const repository = fileURLToPath(new URL('../..', import.meta.url));

describe('bench:envs bands', () => {
  it('measures each profile on an environment and prints one column per environment, one row per profile', async () => {
    const result = await measureBands({
      root: repository,
      environments: ['household', 'tau2-airline'],
      backbones: ['sim/mixed', 'sim/rush'],
      trials: 1,
      tasksPerEnvironment: 2,
      workers: 0,
    });
    expect(result.skipped).toEqual([{ environment: 'tau2-airline', reason: expect.stringContaining('--data <dir>') }]);
    expect(result.environments.map((environment) => environment.environment)).toEqual(['household']);
    const household = result.environments[0]!;
    expect(household).toMatchObject({ tasks: 2, trials: 1 });
    expect(household.profiles.map((profile) => [profile.backbone, profile.episodes, profile.simulated])).toEqual([
      ['sim/mixed', 2, true],
      ['sim/rush', 2, true],
    ]);
    for (const profile of household.profiles) expect(profile.outsideBand).toBe(outsideBand(profile.successRate));

    const markdown = bandsMarkdown(result);
    const headings = markdown.split('\n').filter((line) => line.startsWith('###'));
    expect(headings).toHaveLength(3);
    for (const heading of headings) expect(heading).toContain('SIMULATED');
    const tables = markdown.split('\n\n').filter((block) => block.startsWith('|'));
    expect(tables).toHaveLength(3);
    for (const block of tables) {
      const [header, rule, ...rows] = block.split('\n');
      expect(header).toBe('| backbone (SIMULATED) | household |');
      expect(rule).toBe('| --- | --- |');
      expect(rows.slice(0, 2).map((row) => row.split(' | ')[0])).toEqual(['| sim/mixed (simulated)', '| sim/rush (simulated)']);
    }
    expect(tables[1]!.split('\n').at(-1)).toMatch(/^\| wall time, all 2 profiles \| \d+\.\d s \|$/);
    expect(markdown).toContain('Skipped: tau2-airline (no data folder');
  });

  it('marks the 10–60% band inclusively', () => {
    expect([0.099, 0.1, 0.6, 0.601].map(outsideBand)).toEqual([true, false, false, true]);
  });
});

describe('bench:envs evolve table', () => {
  it('shows modules in order and empty → final per backbone, held-out mean last', () => {
    const markdown = evolveMarkdown([
      {
        environment: 'os',
        runId: 'evolve-os-1',
        stopReason: 'iteration budget spent (6)',
        iterations: 6,
        minutes: 1,
        commits: [
          { sha: 'a', subject: 's', modules: ['tolerant-parse'], pruned: false },
          { sha: 'b', subject: 's', modules: ['loop-breaker'], pruned: false },
        ],
        test: [
          { backbone: 'sim/mixed', simulated: true, heldout: false, before: 0.5, after: 0.75 },
          { backbone: 'sim/scatter', simulated: true, heldout: true, before: 0.25, after: 0.5 },
          { backbone: 'sim/rush', simulated: true, heldout: true, before: 0.5, after: 0.5 },
        ],
        heldoutMean: { before: 0.375, after: 0.5 },
      },
    ]);
    expect(markdown).toContain('SIMULATED');
    expect(markdown).toContain(
      '| os | tolerant-parse; loop-breaker | 50.0% → 75.0% | 25.0% → 50.0% | 50.0% → 50.0% | 37.5% → 50.0% |',
    );
    expect(markdown).toContain('| environment | accepted commits (in order) | sim/mixed (simulated) [train] | sim/scatter (simulated) [held out] | sim/rush (simulated) [held out] | held-out mean |');
  });
});

describe('bench:envs flags', () => {
  it('defaults to every built-in environment and rejects unknown ones in one line', () => {
    expect(parseBenchArguments([], repository).environments).toContain('tau2-telecom');
    expect(parseBenchArguments(['--envs', 'os,webshop', '--evolve'], repository)).toMatchObject({ environments: ['os', 'webshop'], evolve: true });
    expect(() => parseBenchArguments(['--envs', 'os,nope'], repository)).toThrow(/--envs: unknown environment "nope"; known: /);
    expect(() => parseBenchArguments(['--trials', '2'], repository)).toThrow(/Unknown option '--trials'.*usage: npm run bench:envs/);
    expect(() => parseBenchArguments(['--data', join(repository, 'no-such-folder')], repository)).toThrow(/--data: folder .* does not exist/);
  });
});

describe('bench:envs scratch clone', () => {
  it('clones HEAD onto a branch and removes the clone afterwards, leaving the repository alone', async () => {
    const { root, env } = temporaryProject('bridle-bench-envs-test-');
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    git(root, ['init', '--quiet', '--initial-branch', 'main'], env);
    writeFileSync(join(root, 'file.txt'), 'committed\n');
    git(root, ['add', '.'], env);
    git(root, ['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '--quiet', '-m', 'first'], env);
    const head = git(root, ['rev-parse', 'HEAD'], env);
    let seen = '';
    const branch = await withScratchClone(root, async (clone) => {
      seen = clone;
      expect(git(clone, ['rev-parse', 'HEAD'])).toBe(head);
      expect(existsSync(join(clone, 'file.txt'))).toBe(true);
      return git(clone, ['branch', '--show-current']);
    });
    expect(branch).toBe('bench-envs');
    expect(existsSync(seen)).toBe(false);
    expect(git(root, ['branch', '--format=%(refname:short)'], env)).toBe('main');
  });
});
