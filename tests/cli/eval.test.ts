import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { EXAMPLE_HARNESS_DIR } from '../helpers/episodes.ts';

const cwd = mkdtempSync(join(tmpdir(), 'bridle-eval-'));

describe('bridle eval', () => {
  it('prints per-backbone scores as JSON, labelled simulated, and records the run', () => {
    const result = runCli(['eval', '--env', 'retail', '--backbone', 'sim/rush,sim/scatter', '--tasks', 'retail-001,retail-002', '--trials', '2', '--harness', EXAMPLE_HARNESS_DIR, '--json'], cwd);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.simulated).toBe(true);
    expect(output.note).toMatch(/SIMULATED/);
    expect(output.backbones.map((summary: { backbone: string }) => summary.backbone)).toEqual(['sim/rush', 'sim/scatter']);
    expect(output.backbones[0]).toMatchObject({ episodes: 4, tasks: 2, trials: 2, simulated: true, tokensEstimated: true });
    expect(output.backbones[0].tokensPerEpisode).toBeGreaterThan(0);
    expect(output.harness.modules).toHaveLength(6);
    const runs = readdirSync(join(cwd, '.bridle', 'runs'));
    expect(runs).toHaveLength(1);
    const lines = readFileSync(join(cwd, '.bridle', 'runs', runs[0]!, 'trajectories.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(8);
  });

  it('prints a table with a simulated label and progress on stderr', () => {
    const result = runCli(['eval', '--env', 'retail', '--backbone', 'sim/drift', '--tasks', 'retail-003', '--trials', '1', '--harness', 'none', '--no-record'], cwd);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sim\/drift \(simulated\)/);
    expect(result.stdout).toMatch(/SIMULATED/);
    expect(result.stdout).toMatch(/tokens\/episode +tokens\/success/);
    expect(result.stdout).toMatch(/~ tokens are estimated/);
    expect(result.stderr).toMatch(/eval retail \[#+\] 1\/1/);
  });

  it.each([
    [['eval', '--env', 'nope'], /^bridle: unknown environment "nope"; known: ([a-z0-9-]+, )*retail(, [a-z0-9-]+)* \(or a path to an environment module, e.g. \.\/envs\/my-env\.ts\)$/],
    [['eval', '--env', 'retail', '--backbone', 'gpt4'], /^bridle: unknown backbone "gpt4"/],
    [['eval', '--env', 'retail', '--backbone', 'sim/nope'], /^bridle: unknown simulated backbone "sim\/nope"; known: /],
    [['eval', '--env', 'retail', '--trials', 'x'], /^bridle eval: .*--trials must be a whole number/],
    [['eval', '--env', 'retail', '--split', 'dev'], /^bridle eval: .*--split must be one of train, validation, test/],
    [['eval', '--env', 'retail', '--bogus'], /^bridle eval: unknown option '--bogus'$/],
    [['eval'], /^bridle: eval: --env <name> is required \(or eval.env in bridle.config.ts\)$/],
    [['eval', '--env', 'retail', '--harness', '/no/such/folder'], /^bridle: harness folder "\/no\/such\/folder" does not exist/],
    [['frobnicate'], /^bridle: unknown command 'frobnicate'/],
  ])('refuses %j with one clear line and exit code 2', (args, message) => {
    const result = runCli(args, cwd);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('takes defaults from the config\'s eval section, flags winning, and names a mistyped key', () => {
    const project = mkdtempSync(join(tmpdir(), 'bridle-config-'));
    writeFileSync(join(project, 'bridle.config.ts'), `export default { eval: { env: 'retail', backbones: ['sim/rush'], trials: 1, harness: 'none' } };\n`);
    const fromConfig = JSON.parse(runCli(['eval', '--tasks', 'retail-001', '--json', '--no-record'], project).stdout);
    expect(fromConfig).toMatchObject({ environment: 'retail', trials: 1, backbones: [{ backbone: 'sim/rush', episodes: 1 }] });
    const flagWins = JSON.parse(runCli(['eval', '--tasks', 'retail-001', '--trials', '2', '--json', '--no-record'], project).stdout);
    expect(flagWins.backbones[0].episodes).toBe(2);
    writeFileSync(join(project, 'bridle.config.ts'), `export default { eval: { trails: 2 } };\n`);
    const typo = runCli(['eval', '--json'], project);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/eval\.trails: unknown key; did you mean "trials"\?/);
  });

  it('has --help', () => {
    const result = runCli(['eval', '--help'], cwd);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--backbone <ids>/);
  });
});
