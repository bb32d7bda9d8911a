/**
 * `bridle.config.ts`: strict validation with messages that name the key and the fix, and loading.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bridleConfigSchema, defineConfig, loadConfig, parseConfig } from '../../src/config/index.ts';
import { BridleError } from '../../src/errors.ts';
import { temporaryFolder } from '../helpers/model-testing.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(BridleError.isInstance(error) && error.code).toBe('CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('configuration schema', () => {
  it('fills in defaults', () => {
    expect(parseConfig({})).toEqual({ environments: {}, backbones: {}, budgets: {}, cache: { dir: '.bridle/cache', enabled: true }, eval: {}, evolve: {} });
  });

  it('accepts a full configuration', () => {
    const config = defineConfig({
      backbones: {
        'anthropic/claude-sonnet-4-5': { apiKeyEnv: 'ANTHROPIC_API_KEY', price: { inputPerMTok: 3, outputPerMTok: 15 }, maxConcurrency: 8 },
        'openai/qwen2.5-7b-instruct': { baseURL: 'http://127.0.0.1:8000/v1', toolMode: 'text', samplesVia: 'n', sampling: { temperature: 0.7, maxTokens: 512 } },
        'llamacpp/models/qwen.gguf': { contextSize: 2048, gpu: false, seed: 3 },
      },
      engineer: 'anthropic/claude-sonnet-4-5',
      budgets: { maxTokens: 2_000_000, maxCostUsd: 20, iterations: 10, wallMinutes: 90, patience: 3 },
      cache: { dir: '.cache/bridle', enabled: false },
    });
    expect(parseConfig(config).backbones['openai/qwen2.5-7b-instruct']?.samplesVia).toBe('n');
  });

  it('rejects an unknown key and suggests the one meant', () => {
    expect(messageOf(() => parseConfig({ backbones: { 'anthropic/claude': { tmeoutMs: 5 } } }, { source: 'bridle.config.ts' }))).toBe(
      'bridle.config.ts is invalid: backbones["anthropic/claude"].tmeoutMs: unknown key; did you mean "timeoutMs"?',
    );
    expect(messageOf(() => parseConfig({ backbone: {} }))).toContain('backbone: unknown key; did you mean "backbones"?');
    expect(messageOf(() => parseConfig({ budgets: { tokens: 5 } }))).toContain(
      'budgets.tokens: unknown key; remove it (known keys: maxTokens, maxCostUsd, iterations, wallMinutes, patience)',
    );
  });

  it('names the key, the wrong value and the expected type', () => {
    expect(messageOf(() => parseConfig({ budgets: { maxTokens: '100000' } }))).toContain(
      'budgets.maxTokens: expected number, got the string "100000"; write a number',
    );
    expect(messageOf(() => parseConfig({ cache: { enabled: 'no' } }))).toContain('cache.enabled: expected boolean, got the string "no"; write a boolean');
    expect(messageOf(() => parseConfig({ backbones: { 'openai/x': { toolMode: 'json' } } }))).toContain(
      'backbones["openai/x"].toolMode: must be one of "native", "text"',
    );
    expect(messageOf(() => parseConfig({ backbones: { 'openai/x': { baseURL: 'localhost:8000' } } }))).toContain(
      'backbones["openai/x"].baseURL: expected an http(s) URL',
    );
  });

  it('checks backbone ids and provider-specific keys', () => {
    expect(messageOf(() => parseConfig({ backbones: { gpt4: {} } }))).toContain('backbones["gpt4"]: a backbone id is "provider/model"');
    const message = messageOf(() => parseConfig({ backbones: { 'anthropic/x': { samplesVia: 'n', apiKey: 'a', apiKeyEnv: 'B' } } }));
    expect(message).toContain('backbones["anthropic/x"].samplesVia: samplesVia only applies to openai/ backbones; remove it');
    expect(message).toContain('set either apiKey or apiKeyEnv, not both');
  });

  it('holds sim profiles: omitted rates are 0, every key is checked, built-in names are taken', () => {
    const config = parseConfig({ sims: { 'my-sim': { modes: { format: { habit: 0.4 } }, compliance: 0.6 } } });
    expect(config.sims?.['my-sim']).toMatchObject({ modes: { format: { habit: 0.4, noise: 0 } }, compliance: 0.6, perseveration: 0, residual: 0 });
    expect(parseConfig({ evolve: { maxCostIncrease: 1 } }).evolve.maxCostIncrease).toBe(1);
    expect(messageOf(() => parseConfig({ sims: { scatter: {} } }))).toContain('sims["scatter"]: "scatter" is a built-in sim profile; give yours another name');
    expect(messageOf(() => parseConfig({ sims: { 'my-sim': { modes: { fromat: { habit: 0.1 } } } } }))).toContain('sims["my-sim"].modes.fromat: unknown key; did you mean "format"?');
    expect(messageOf(() => parseConfig({ sims: { 'my-sim': { compliance: 1.5 } } }))).toContain('sims["my-sim"].compliance: a rate is a probability: write a number from 0 to 1');
    expect(messageOf(() => parseConfig({ sims: { 'My Sim': {} } }))).toContain('a sim profile name is lower-case letters, digits and dashes');
  });

  it('stays strict when extended with more keys', () => {
    const extended = bridleConfigSchema.extend({ evolve: z.strictObject({ rounds: z.int().positive() }).optional() });
    expect(parseConfig({ evolve: { rounds: 3 } }, { schema: extended }).evolve).toEqual({ rounds: 3 });
    expect(messageOf(() => parseConfig({ evolve: { round: 3 } }, { schema: extended }))).toContain('evolve.round: unknown key; did you mean "rounds"?');
    expect(messageOf(() => parseConfig({ evolv: {} }, { schema: extended }))).toContain('did you mean "evolve"?');
  });
});

describe('loadConfig', () => {
  async function project(files: Record<string, string>): Promise<string> {
    const folder = await temporaryFolder('bridle-config-');
    cleanups.push(folder.remove);
    for (const [name, text] of Object.entries(files)) await writeFile(join(folder.path, name), text, 'utf8');
    return folder.path;
  }

  it('returns the defaults without a file', async () => {
    expect(await loadConfig(await project({}))).toEqual(parseConfig({}));
  });

  it('loads bridle.config.ts with defineConfig and TypeScript syntax', async () => {
    const configModule = pathToFileURL(join(process.cwd(), 'src/config/index.ts')).href;
    const cwd = await project({
      'bridle.config.ts': [
        `import { defineConfig } from ${JSON.stringify(configModule)};`,
        `const port: number = 8000;`,
        `export default defineConfig({`,
        `  backbones: { 'openai/qwen': { baseURL: \`http://127.0.0.1:\${port}/v1\`, maxRetries: 2 } },`,
        `  budgets: { maxCostUsd: 5 },`,
        `});`,
      ].join('\n'),
    });
    const config = await loadConfig(cwd);
    expect(config.backbones['openai/qwen']).toEqual({ baseURL: 'http://127.0.0.1:8000/v1', maxRetries: 2 });
    expect(config.budgets.maxCostUsd).toBe(5);
    expect(config.cache).toEqual({ dir: '.bridle/cache', enabled: true });
  });

  it('names the file and the key when the file is invalid', async () => {
    const cwd = await project({ 'bridle.config.mjs': 'export default { backbones: { "anthropic/x": { maxConcurency: 2 } } };\n' });
    await expect(loadConfig(cwd)).rejects.toThrow(
      'bridle.config.mjs is invalid: backbones["anthropic/x"].maxConcurency: unknown key; did you mean "maxConcurrency"?',
    );
  });

  it('explains a missing default export and a file that does not load', async () => {
    await expect(loadConfig(await project({ 'bridle.config.ts': 'export const config = {};\n' }))).rejects.toThrow(
      'bridle.config.ts has no default export; write: export default defineConfig({ ... })',
    );
    await expect(loadConfig(await project({ 'bridle.config.ts': 'export default {{;\n' }))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('bridle.config.ts could not be loaded'),
    });
  });
});
