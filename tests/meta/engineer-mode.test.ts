/**
 * How an LLM engineer works: `--engineer-mode` and its config twin, and what `auto` picks (the agent when
 * the server speaks native tool use and the run's budget holds a full agent proposal).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { createEngineer } from '../../src/meta/engineers/index.ts';
import { resolveOptions } from '../../src/meta/evolve/options.ts';

const folders: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  while (folders.length > 0) rmSync(folders.pop()!, { recursive: true, force: true });
});

function project(config: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'bridle-mode-'));
  folders.push(root);
  writeFileSync(join(root, 'bridle.config.mjs'), `export default ${JSON.stringify(config)};\n`);
  return root;
}

describe('engineer mode', () => {
  it('takes flags over the config over the defaults', () => {
    const config = parseConfig({ evolve: { env: 'retail', engineerMode: 'single', engineerTurns: 9, engineerExperiments: 1, proposalMaxTokens: 50_000, proposalMaxCostUsd: 0.5 } }, { source: 'bridle.config.mjs' });
    expect(resolveOptions({}, config)).toMatchObject({ engineerMode: 'single', engineerTurns: 9, engineerExperiments: 1, proposalMaxTokens: 50_000, proposalMaxCostUsd: 0.5 });
    expect(resolveOptions({ engineerMode: 'agent', engineerTurns: 12 }, config)).toMatchObject({ engineerMode: 'agent', engineerTurns: 12 });
    expect(resolveOptions({ env: 'retail' }, parseConfig({}, { source: 'bridle.config.mjs' }))).toMatchObject({ engineerMode: 'auto', engineerTurns: 24, engineerExperiments: 4, proposalMaxTokens: 400_000 });
    expect(() => parseConfig({ evolve: { engineerMode: 'agentic' } }, { source: 'bridle.config.mjs' })).toThrow(/engineerMode/);
  });

  it('auto: the agent when the budget allows and the server has tool use, else single-shot', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-test');
    const root = project({ backbones: { 'openai/text-only': { baseURL: 'http://127.0.0.1:9/v1', toolMode: 'text' }, 'openai/tools': { baseURL: 'http://127.0.0.1:9/v1' } } });
    const proposal = { maxTokens: 400_000 };
    expect((await createEngineer('anthropic/claude-test', { root, mode: 'auto', proposal })).kind).toBe('agent');
    expect((await createEngineer('anthropic/claude-test', { root, mode: 'auto', proposal, runTokenBudget: 100_000 })).kind).toBe('single');
    expect((await createEngineer('openai/tools', { root, mode: 'auto', proposal })).kind).toBe('agent');
    expect((await createEngineer('openai/text-only', { root, mode: 'auto', proposal })).kind).toBe('single');
    expect((await createEngineer('anthropic/claude-test', { root, mode: 'single' })).kind).toBe('single');
    expect((await createEngineer('heuristic', { root })).kind).toBeUndefined();
    await expect(createEngineer('gpt/foo', { root })).rejects.toThrow(/unknown engineer "gpt\/foo".*claude-code\/<model>, codex\/<model>/);
  });
});
