/**
 * The coding-agent engineers' pieces that need no SDK: the permission decision for Claude Code's tool
 * calls, the options pinned for Codex, reading the edits out of a scratch folder, and the one line a
 * user gets when the optional package is missing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectEdits } from '../../src/meta/engineers/coding-agent/coding-agent.ts';
import { CLAUDE_CODE_DISALLOWED_TOOLS, CLAUDE_CODE_TOOLS, decideClaudeCodeTool } from '../../src/meta/engineers/coding-agent/claude-code.ts';
import { codexPermissionOverrides, codexThreadOptions } from '../../src/meta/engineers/coding-agent/codex.ts';
import { runCliAsync } from '../helpers/cli.ts';
import { temporaryProject } from '../helpers/repos.ts';

const folders: string[] = [];
afterEach(() => {
  while (folders.length > 0) rmSync(folders.pop()!, { recursive: true, force: true });
});

describe('Claude Code permissions', () => {
  const folders = { scratch: '/tmp/run/harness', store: '/tmp/run/run-store' };
  it('allows edits only in the scratch folder and reads only in the scratch and store folders', () => {
    expect(decideClaudeCodeTool('Write', { file_path: '/tmp/run/harness/a.ts' }, folders)).toEqual({ allow: true });
    expect(decideClaudeCodeTool('Edit', { file_path: 'a.ts' }, folders)).toEqual({ allow: true });
    expect(decideClaudeCodeTool('Write', { file_path: '/tmp/run/run-store/a.ts' }, folders)).toMatchObject({ allow: false });
    expect(decideClaudeCodeTool('Edit', { file_path: '/tmp/run/harness/../run-store/x' }, folders)).toMatchObject({ allow: false });
    expect(decideClaudeCodeTool('Write', { file_path: '/tmp/run/harness-evil/a.ts' }, folders)).toMatchObject({ allow: false });
    expect(decideClaudeCodeTool('Read', { file_path: '/tmp/run/run-store/README.md' }, folders)).toEqual({ allow: true });
    expect(decideClaudeCodeTool('Grep', { pattern: 'x' }, folders)).toEqual({ allow: true });
    expect(decideClaudeCodeTool('Read', { file_path: '/etc/passwd' }, folders)).toMatchObject({ allow: false });
    expect(decideClaudeCodeTool('Glob', { pattern: '*', path: '/home' }, folders)).toMatchObject({ allow: false });
    expect(decideClaudeCodeTool('Bash', { command: 'ls' }, folders)).toMatchObject({ allow: false, reason: 'Bash is not available to the engineer' });
    expect(decideClaudeCodeTool('WebFetch', { url: 'https://example.com' }, folders)).toMatchObject({ allow: false });
    expect(decideClaudeCodeTool('mcp__bridle__try_candidate', {}, folders)).toEqual({ allow: true });
    expect(decideClaudeCodeTool('mcp__other__tool', {}, folders)).toMatchObject({ allow: false });
    expect(CLAUDE_CODE_TOOLS).toEqual(['Read', 'Glob', 'Grep', 'Edit', 'Write']);
    expect(CLAUDE_CODE_DISALLOWED_TOOLS).toEqual(expect.arrayContaining(['Bash', 'WebFetch', 'WebSearch']));
  });
});

describe('Codex permissions', () => {
  it('pins a permission profile: read the system minimum, its packages and the store, write the scratch folder; no approvals, no web search', () => {
    // No sandboxMode: the legacy sandbox settings would replace the permission profile.
    expect(codexThreadOptions('gpt-test', '/tmp/run/harness')).toEqual({ model: 'gpt-test', workingDirectory: '/tmp/run/harness', skipGitRepoCheck: true, approvalPolicy: 'never', webSearchMode: 'disabled' });
    expect(codexPermissionOverrides(['/tmp/run/run-store', '/opt/node_modules'])).toEqual([
      'default_permissions="bridle-engineer"',
      'permissions.bridle-engineer.filesystem={":minimal"="read", "/tmp/run/run-store"="read", "/opt/node_modules"="read", ":project_roots"={"."="write"}}',
    ]);
  });
});

describe('edits in a scratch folder', () => {
  it('are the changed and new module files, the removed ones, and a new order from harness.json', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'bridle-scratch-'));
    folders.push(scratch);
    const head = [
      { file: 'a.ts', source: 'export default 1;\n' },
      { file: 'b.ts', source: 'export default 2;\n' },
      { file: 'c.ts', source: 'export default 3;\n' },
    ];
    writeFileSync(join(scratch, 'a.ts'), head[0]!.source);
    writeFileSync(join(scratch, 'b.ts'), 'export default 22;\n');
    writeFileSync(join(scratch, 'new-guard.ts'), 'export default 4;\n');
    writeFileSync(join(scratch, 'notes.md'), 'ignored');
    mkdirSync(join(scratch, '.agents'));
    writeFileSync(join(scratch, 'harness.json'), JSON.stringify({ apiVersion: 1, environment: 'retail', modules: ['new-guard.ts', 'a.ts', 'b.ts'] }));
    const limits = { maxFiles: 4, maxFileChars: 20_000 };
    expect(collectEdits(scratch, head, limits)).toEqual({
      files: [
        { file: 'b.ts', source: 'export default 22;\n' },
        { file: 'new-guard.ts', source: 'export default 4;\n' },
      ],
      remove: ['c.ts'],
      order: ['new-guard.ts', 'a.ts', 'b.ts'],
      problems: [],
    });
    writeFileSync(join(scratch, 'Bad_Name.ts'), 'x');
    mkdirSync(join(scratch, 'sub'));
    expect(collectEdits(scratch, head, limits).problems).toEqual([expect.stringMatching(/Bad_Name\.ts.*kebab-case/), 'sub/: modules live at the top of the folder, no subfolders']);
  });
});

describe('a missing optional package', () => {
  it('fails in one line that says what to install', async () => {
    const { root, env } = temporaryProject('bridle-missing-');
    folders.push(root);
    await runCliAsync(['init'], root, env);
    for (const [engineer, hint] of [
      ['claude-code/claude-sonnet-4-5', /^bridle: claude-code\/claude-sonnet-4-5 needs the optional package @anthropic-ai\/claude-agent-sdk: npm install @anthropic-ai\/claude-agent-sdk@[\d.]+ \(about 400 MB with its Claude Code binary\)\n$/],
      ['codex/gpt-5-codex', /^bridle: codex\/gpt-5-codex needs the optional package @openai\/codex-sdk: npm install @openai\/codex-sdk@[\d.]+ \(about 420 MB with its Codex binary\)\n$/],
    ] as const) {
      const result = await runCliAsync(['evolve', '--env', 'retail', '--engineer', engineer], root, env);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(hint);
    }
  }, 60_000);
});
