/**
 * End to end in temporary git repositories: `bridle init`, run workspaces (branch + worktree), harness
 * commits and their messages, crash recovery, and reading history back from git objects.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridleError } from '../../src/errors.ts';
import { formatHarnessCommit, parseHarnessCommit, parseTrailers } from '../../src/store/git/commit-message.ts';
import {
  findCommitForCandidate,
  harnessTreeHash,
  listRunBranches,
  listRunCommits,
  readHarnessAt,
} from '../../src/store/git/history.ts';
import { initProject } from '../../src/store/git/init.ts';
import { FALLBACK_IDENTITY, openRepository } from '../../src/store/git/repository.ts';
import { openRunWorkspace } from '../../src/store/git/run-workspace.ts';
import type { HarnessManifest } from '../../src/store/harness-files.ts';
import {
  checkoutState,
  commitInfo,
  git,
  isolateGitConfig,
  moduleSource,
  removeTemporaryFolders,
  temporaryFolder,
  userRepository,
  writeFile,
} from './git-helpers.ts';

beforeAll(() => isolateGitConfig());
afterAll(() => removeTemporaryFolders());

const DAY_ONE = new Date('2025-01-01T00:00:00Z');
const DAY_TWO = new Date('2025-01-02T00:00:00Z');

function manifest(modules: string[]): HarnessManifest {
  return { apiVersion: 1, environment: 'retail', modules, provenance: { runId: 'r1', engineer: 'heuristic' } };
}

const guard = { file: 'guard-writes.ts', source: moduleSource('guard-writes', 'writes before identifying the customer') };
const normalize = { file: 'normalize-order-ids.ts', source: moduleSource('normalize-order-ids', 'order ids without prefix') };

async function expectBridleError(promise: Promise<unknown>, code: string): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(BridleError.isInstance(error), `expected a BridleError ${code}, got ${String(error)}`).toBe(true);
  expect((error as BridleError).code).toBe(code);
}

/** A user's repository after `bridle init` for retail. */
async function initialisedRepository(): Promise<string> {
  const root = userRepository();
  await initProject({ root, environments: ['retail'], date: DAY_ONE });
  return root;
}

describe('initProject', () => {
  it('makes a repository, an empty harness, the ignore line and one commit of exactly those files', async () => {
    const root = join(temporaryFolder(), 'project');
    const result = await initProject({ root, environments: ['retail', 'airline'], date: DAY_ONE });

    expect(result.createdRepository).toBe(true);
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(JSON.parse(readFileSync(join(root, 'harnesses/retail/harness.json'), 'utf8'))).toEqual({
      apiVersion: 1,
      environment: 'retail',
      modules: [],
    });
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toMatch(/^\.bridle\/$/m);
    expect(git(root, 'log', '--format=%s|%an <%ae>|%aI').trim().split('\n')).toEqual([
      `bridle: init|${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>|2025-01-01T00:00:00+00:00`,
    ]);
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      '.gitignore',
      'harnesses/airline/harness.json',
      'harnesses/retail/harness.json',
    ]);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('is idempotent', async () => {
    const root = join(temporaryFolder(), 'project');
    await initProject({ root, environments: ['retail'], date: DAY_ONE });
    const head = git(root, 'rev-parse', 'HEAD');
    const again = await initProject({ root, environments: ['retail'], date: DAY_TWO });
    expect(again).toMatchObject({ createdRepository: false, written: [], committed: [], commit: undefined });
    expect(git(root, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('commits nothing of the user’s: staged, modified and untracked work stays as it was', async () => {
    const root = userRepository();
    writeFile(join(root, 'src/app.ts'), 'export const app = 2;\n');
    writeFile(join(root, 'staged.ts'), 'staged\n');
    git(root, 'add', 'staged.ts');
    writeFile(join(root, 'notes.txt'), 'untracked\n');

    const result = await initProject({ root, environments: ['retail'], date: DAY_ONE });

    expect(result.createdRepository).toBe(false);
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      '.gitignore',
      'harnesses/retail/harness.json',
    ]);
    expect(git(root, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([
      ' M src/app.ts',
      '?? notes.txt',
      'A  staged.ts',
    ]);
  });

  it('leaves a .gitignore holding the user’s uncommitted edits out of the commit', async () => {
    const root = userRepository();
    writeFile(join(root, '.gitignore'), 'dist/\n');
    git(root, 'add', '.gitignore');
    git(root, 'commit', '--quiet', '-m', 'ignore dist');
    writeFile(join(root, '.gitignore'), 'dist/\ncoverage/');

    const result = await initProject({ root, environments: ['retail'], date: DAY_ONE });

    expect(result.committed).toEqual(['harnesses/retail/harness.json']);
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('dist/\ncoverage/\n# bridle working state (run worktrees, logs)\n.bridle/\n');
    expect(git(root, 'status', '--porcelain')).toBe(' M .gitignore\n');
  });

  it('refuses an environment name that is not one path segment', async () => {
    await expectBridleError(initProject({ root: temporaryFolder(), environments: ['../x'] }), 'INVALID_ARGUMENT');
  });
});

describe('openRepository', () => {
  it('names the fix when the folder is not in a git repository', async () => {
    const folder = temporaryFolder();
    await expectBridleError(openRepository(folder), 'NOT_A_REPOSITORY');
    await openRepository(folder).catch((error: Error) => expect(error.message).toMatch(/git init.*bridle init/));
  });

  it('commits as the configured identity when there is one', async () => {
    const root = userRepository();
    git(root, 'config', 'user.name', 'Configured Person');
    git(root, 'config', 'user.email', 'configured@example.com');
    await initProject({ root, environments: ['retail'], date: DAY_ONE });
    expect(git(root, 'log', '-1', '--format=%an <%ae>|%cn <%ce>').trim()).toBe(
      'Configured Person <configured@example.com>|Configured Person <configured@example.com>',
    );
  });
});

describe('run workspace', () => {
  it('creates the branch and worktree without touching the user’s checkout, uncommitted work included', async () => {
    const root = await initialisedRepository();
    writeFile(join(root, 'src/app.ts'), 'export const app = 3;\n');
    writeFile(join(root, 'staged.ts'), 'staged\n');
    git(root, 'add', 'staged.ts');
    writeFile(join(root, 'scratch.txt'), 'scratch\n');
    const before = checkoutState(root);

    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });

    expect(workspace.branch).toBe('bridle/retail/r1');
    expect(workspace.path).toBe(join(root, '.bridle/worktrees/r1'));
    expect(workspace.harnessDirectory).toBe(join(root, '.bridle/worktrees/r1/harnesses/retail'));
    expect(workspace.base).toBe(before.head);
    expect(await workspace.head()).toBe(before.head);
    expect(git(root, 'rev-parse', 'bridle/retail/r1').trim()).toBe(before.head);
    expect(git(root, 'worktree', 'list', '--porcelain')).toContain(`branch refs/heads/bridle/retail/r1`);
    expect(existsSync(join(workspace.harnessDirectory, 'harness.json'))).toBe(true);

    await workspace.commitHarness({ files: [guard], manifest: manifest(['guard-writes.ts']), message: 'one', date: DAY_ONE });
    expect(checkoutState(root)).toEqual(before);
    expect(readFileSync(join(root, 'src/app.ts'), 'utf8')).toBe('export const app = 3;\n');
    expect(existsSync(join(root, 'harnesses/retail/guard-writes.ts'))).toBe(false);

    await workspace.close();
    expect(existsSync(workspace.path)).toBe(false);
    expect(git(root, 'worktree', 'list', '--porcelain')).not.toContain('bridle/retail/r1');
    expect(git(root, 'branch', '--list', 'bridle/*').trim()).toBe('bridle/retail/r1');
    expect(checkoutState(root)).toEqual(before);
  });

  it('commits twice with the exact message and fixed dates; a module dropped from the manifest leaves the tree', async () => {
    const root = await initialisedRepository();
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    const first = formatHarnessCommit(commitInfo({ runId: 'r1', candidate: 1, module: 'guard-writes.ts', modules: ['guard-writes.ts'] }));
    const second = formatHarnessCommit(
      commitInfo({ runId: 'r1', candidate: 2, modules: ['normalize-order-ids.ts', 'guard-writes.ts'] }),
    );

    const sha1 = await workspace.commitHarness({ files: [guard], manifest: manifest(['guard-writes.ts']), message: first, date: DAY_ONE });
    const sha2 = await workspace.commitHarness({
      files: [normalize],
      manifest: manifest(['normalize-order-ids.ts']),
      message: second,
      date: DAY_TWO,
    });

    expect(await workspace.head()).toBe(sha2);
    expect(git(root, 'rev-list', `${workspace.base}..bridle/retail/r1`).trim().split('\n')).toEqual([sha2, sha1]);
    expect(git(root, 'log', '-1', '--format=%B', sha1)).toBe(`${first}\n\n`);
    expect(git(root, 'log', '-1', '--format=%B', sha2)).toBe(`${second}\n\n`);
    expect(git(root, 'log', '--format=%aI %cI', `${workspace.base}..bridle/retail/r1`).trim().split('\n')).toEqual([
      '2025-01-02T00:00:00+00:00 2025-01-02T00:00:00+00:00',
      '2025-01-01T00:00:00+00:00 2025-01-01T00:00:00+00:00',
    ]);
    expect(git(root, 'ls-tree', '-r', '--name-only', sha1, 'harnesses/retail').trim().split('\n')).toEqual([
      'harnesses/retail/guard-writes.ts',
      'harnesses/retail/harness.json',
    ]);
    expect(git(root, 'ls-tree', '-r', '--name-only', sha2, 'harnesses/retail').trim().split('\n')).toEqual([
      'harnesses/retail/harness.json',
      'harnesses/retail/normalize-order-ids.ts',
    ]);
    // Only the harness folder is ever part of a run's commits.
    expect(git(root, 'diff', '--name-only', workspace.base, sha2).trim().split('\n')).toEqual([
      'harnesses/retail/harness.json',
      'harnesses/retail/normalize-order-ids.ts',
    ]);
    expect(existsSync(join(workspace.harnessDirectory, 'guard-writes.ts'))).toBe(false);
    await workspace.close();
  });

  it('creates the harness folder with the first commit when the base has none', async () => {
    const root = userRepository();
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    expect(workspace.readHarness()).toMatchObject({ manifest: { modules: [] }, files: [] });
    const sha = await workspace.commitHarness({ files: [guard], manifest: manifest(['guard-writes.ts']), message: 'one', date: DAY_ONE });
    expect(git(root, 'ls-tree', '-r', '--name-only', sha, 'harnesses').trim().split('\n')).toEqual([
      'harnesses/retail/guard-writes.ts',
      'harnesses/retail/harness.json',
    ]);
    expect(git(root, 'status', '--porcelain')).toBe('');
    await workspace.close();
  });

  it('gives the same tree for the same files, and the same commit for the same parent, message and date', async () => {
    const root = await initialisedRepository();
    const shas: string[] = [];
    for (const runId of ['a', 'b']) {
      const workspace = await openRunWorkspace({ root, environment: 'retail', runId });
      shas.push(
        await workspace.commitHarness({ files: [normalize, guard], manifest: manifest(['normalize-order-ids.ts', 'guard-writes.ts']), message: 'same', date: DAY_ONE }),
      );
      await workspace.close();
    }
    expect(shas[0]).toBe(shas[1]);
    expect(await harnessTreeHash(root, 'bridle/retail/a', 'retail')).toBe(await harnessTreeHash(root, 'bridle/retail/b', 'retail'));

    const other = await openRunWorkspace({ root, environment: 'retail', runId: 'c' });
    const differentMessage = await other.commitHarness({
      files: [guard, normalize],
      manifest: manifest(['normalize-order-ids.ts', 'guard-writes.ts']),
      message: 'other message',
      date: DAY_TWO,
    });
    expect(differentMessage).not.toBe(shas[0]);
    expect(await harnessTreeHash(root, differentMessage, 'retail')).toBe(await harnessTreeHash(root, shas[0]!, 'retail'));
    await other.close();
  });

  it('replays a commit that already landed and refuses a candidate that changes nothing', async () => {
    const root = await initialisedRepository();
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    const options = { files: [guard], manifest: manifest(['guard-writes.ts']), message: 'one', date: DAY_ONE };
    const sha = await workspace.commitHarness(options);
    expect(await workspace.commitHarness(options)).toBe(sha);
    await expectBridleError(workspace.commitHarness({ ...options, message: 'two' }), 'HARNESS_INVALID');
    expect(git(root, 'rev-list', '--count', `${workspace.base}..bridle/retail/r1`).trim()).toBe('1');
    expect(git(workspace.path, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(workspace.readHarness().files).toEqual([guard]);
    await workspace.close();
  });

  it('refuses files that differ from the manifest’s module list', async () => {
    const root = await initialisedRepository();
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    await expectBridleError(
      workspace.commitHarness({ files: [guard], manifest: manifest(['guard-writes.ts', 'normalize-order-ids.ts']), message: 'x', date: DAY_ONE }),
      'HARNESS_INVALID',
    );
    await expectBridleError(
      workspace.commitHarness({ files: [guard], manifest: { ...manifest(['guard-writes.ts']), environment: 'airline' }, message: 'x', date: DAY_ONE }),
      'HARNESS_INVALID',
    );
    await workspace.close();
  });

  it('recovers from a crash between writing files and committing', async () => {
    const root = await initialisedRepository();
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    const message = formatHarnessCommit(commitInfo({ runId: 'r1', candidate: 1 }));
    const head = await workspace.commitHarness({ files: [guard], manifest: manifest(['guard-writes.ts']), message, date: DAY_ONE });
    // The crash: a candidate half written and staged, a lock left by a killed git, and no close().
    writeFile(join(workspace.harnessDirectory, 'guard-writes.ts'), 'half written');
    writeFile(join(workspace.harnessDirectory, 'stray-module.ts'), 'stray');
    writeFile(join(workspace.harnessDirectory, 'nested/junk.ts'), 'junk');
    git(workspace.path, 'add', '--all');
    const gitDirectory = git(workspace.path, 'rev-parse', '--absolute-git-dir').trim();
    writeFile(join(gitDirectory, 'index.lock'), '');

    const reopened = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    expect(git(reopened.path, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    // The same again without the crash: discardChanges is what open does to a reused worktree.
    writeFile(join(reopened.harnessDirectory, 'stray-module.ts'), 'stray');
    writeFile(join(reopened.harnessDirectory, 'guard-writes.ts'), 'half written');
    writeFile(join(reopened.path, 'src/app.ts'), 'outside the harness folder');
    await reopened.discardChanges();

    expect(await reopened.head()).toBe(head);
    expect(reopened.base).toBe(workspace.base);
    expect(git(reopened.path, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(readFileSync(join(reopened.harnessDirectory, 'guard-writes.ts'), 'utf8')).toBe(guard.source);
    expect(existsSync(join(reopened.harnessDirectory, 'stray-module.ts'))).toBe(false);
    expect(existsSync(join(reopened.harnessDirectory, 'nested'))).toBe(false);
    const next = await reopened.commitHarness({ files: [normalize], manifest: manifest(['normalize-order-ids.ts']), message: 'two', date: DAY_TWO });
    expect(git(root, 'rev-parse', `${next}^`).trim()).toBe(head);
    await reopened.close();
  });

  it('recreates a deleted or broken worktree folder at the branch head', async () => {
    const root = await initialisedRepository();
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    const head = await workspace.commitHarness({ files: [guard], manifest: manifest(['guard-writes.ts']), message: 'one', date: DAY_ONE });

    rmSync(workspace.path, { recursive: true, force: true });
    const recreated = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    expect(await recreated.head()).toBe(head);
    expect(git(recreated.path, 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(readFileSync(join(recreated.harnessDirectory, 'guard-writes.ts'), 'utf8')).toBe(guard.source);

    // Broken: the folder is there but its link to the repository is gone.
    rmSync(join(recreated.path, '.git'));
    const repaired = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    expect(existsSync(join(repaired.path, '.git'))).toBe(true);
    expect(git(repaired.path, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/bridle/retail/r1');
    expect(git(repaired.path, 'status', '--porcelain')).toBe('');
    expect(repaired.readHarness().files).toEqual([guard]);
    await repaired.close();
  });

  it('keeps the base on resume and refuses a base the branch does not start from', async () => {
    const root = await initialisedRepository();
    const base = git(root, 'rev-parse', 'HEAD').trim();
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    await workspace.commitHarness({ files: [guard], manifest: manifest(['guard-writes.ts']), message: formatHarnessCommit(commitInfo({ runId: 'r1', candidate: 1 })), date: DAY_ONE });
    await workspace.close();
    writeFile(join(root, 'later.txt'), 'later\n');
    git(root, 'add', 'later.txt');
    git(root, 'commit', '--quiet', '-m', 'user moves on');

    const resumed = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    expect(resumed.base).toBe(base);
    await resumed.close();
    await expectBridleError(openRunWorkspace({ root, environment: 'retail', runId: 'r1', base: 'HEAD' }), 'STALE_BASE');
  });

  it('refuses to reopen a run whose branch the user has checked out', async () => {
    const root = await initialisedRepository();
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    await workspace.close();
    git(root, 'checkout', '--quiet', 'bridle/retail/r1');
    await expectBridleError(openRunWorkspace({ root, environment: 'retail', runId: 'r1' }), 'INVALID_ARGUMENT');
    expect(git(root, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/bridle/retail/r1');
  });

  it('needs a commit to branch from', async () => {
    const root = temporaryFolder();
    git(root, 'init', '--quiet');
    await expectBridleError(openRunWorkspace({ root, environment: 'retail', runId: 'r1' }), 'UNKNOWN_COMMIT');
  });
});

describe('commit message', () => {
  it('round-trips', () => {
    const info = commitInfo({
      summary: 'First paragraph.\n\nSecond paragraph,\nwith a second line.',
      heldout: [
        { backbone: 'sim/slip', simulated: true, before: 0.417, after: 0.625, low: 12.5, high: 29.2 },
        { backbone: 'openai/local model', simulated: false, before: 0.75, after: 0.708, low: -8.3, high: 0 },
      ],
      delta: 8.3,
      interval: [-1.2, 15.6],
      modules: ['normalize-order-ids.ts', 'old-guard.ts'],
    });
    expect(parseHarnessCommit(formatHarnessCommit(info))).toEqual(info);
  });

  it('writes the subject, the table with simulated backbones labelled, and the trailers', () => {
    const message = formatHarnessCommit(commitInfo());
    expect(message).toBe(
      [
        'harness(retail): normalize-order-ids.ts — get_order fails on order ids without their prefix',
        '',
        'Failure group: get_order fails on order ids without their prefix',
        'Signature: env-error:get_order:not-found',
        '',
        'Adds a realize step that restores the "#W" prefix of order ids, driven by the tool schemas.',
        '',
        'Held-out success, 24 validation tasks × 3 trials, paired (difference in points [95% interval]):',
        '  sim/slip (simulated)    41.7% →  62.5%   +20.8 [+12.5, +29.2]',
        '  sim/drift (simulated)   50.0% →  58.3%    +8.3 [+0.0, +16.7]',
        '  mean                                     +14.6 [+8.3, +20.8]',
        '',
        'Bridle-Run: evolve-retail-20250101-000000',
        'Bridle-Engineer: heuristic',
        'Bridle-Candidate: 003',
        'Bridle-Group: env-error:get_order:not-found',
        'Bridle-Delta: +14.6',
        'Bridle-Interval: [+8.3, +20.8]',
        'Bridle-Heldout-Backbones: sim/slip, sim/drift',
        'Bridle-Modules: normalize-order-ids.ts',
      ].join('\n'),
    );
    expect(parseTrailers(message).get('Bridle-Delta')).toBe('+14.6');
  });

  it('writes and reads the cost of a change: a tokens line under the table and a Bridle-Cost trailer; commits without them still parse', () => {
    const info = commitInfo({ cost: { before: 3120, after: 3270, limit: 0.5, estimated: true } });
    const message = formatHarnessCommit(info);
    expect(message).toContain('  mean                                     +14.6 [+8.3, +20.8]\nMean tokens per validation episode (estimated): 3120 → 3270 (+4.8%; limit +50%)\n\nBridle-Run:');
    expect(parseTrailers(message).get('Bridle-Cost')).toBe('3120 → 3270 tokens/episode (+4.8%, limit +50%, estimated)');
    expect(parseHarnessCommit(message)).toEqual(info);
    const billed = commitInfo({ cost: { before: 20000, after: 64000, limit: 1.5, estimated: false } });
    expect(parseHarnessCommit(formatHarnessCommit(billed))).toEqual(billed);
    expect(parseHarnessCommit(formatHarnessCommit(commitInfo()))?.cost).toBeUndefined();
  });

  it('keeps long subjects to one line of at most 100 characters and reads the full title from the body', () => {
    const title = `${'a very long failure group title '.repeat(6)}end`;
    const message = formatHarnessCommit(commitInfo({ group: { signature: 's', title: `${title}\nsecond line` } }));
    const subject = message.split('\n')[0]!;
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject.endsWith('…')).toBe(true);
    expect(parseHarnessCommit(message)?.group.title).toBe(`${title} second line`);
  });

  it('names the engineer, its model and its spend in trailers, and reads them back', () => {
    const spend = { kind: 'agent', model: 'claude-sonnet-4-5', inputTokens: 61234, outputTokens: 4210, costUsd: 0.2469, calls: 9, toolCalls: 14, experiments: 2 };
    const info = commitInfo({ engineer: 'anthropic/claude-sonnet-4-5', engineerSpend: spend });
    const message = formatHarnessCommit(info);
    expect(message.split('\n\n').at(-1)!.split('\n').slice(-7)).toEqual([
      'Bridle-Engineer-Kind: agent',
      'Bridle-Engineer-Model: claude-sonnet-4-5',
      'Bridle-Engineer-Tokens: 61234 in, 4210 out',
      'Bridle-Engineer-Cost: $0.2469',
      'Bridle-Engineer-Calls: 9',
      'Bridle-Engineer-Tool-Calls: 14',
      'Bridle-Engineer-Experiments: 2',
    ]);
    expect(parseHarnessCommit(message)).toEqual(info);
    // An unknown price stays unknown, never $0.
    const unpriced = formatHarnessCommit(commitInfo({ engineerSpend: { ...spend, costUsd: undefined } as never }));
    expect(unpriced).toMatch(/^Bridle-Engineer-Cost: unknown$/m);
    expect(parseHarnessCommit(unpriced)?.engineerSpend).toEqual({ kind: 'agent', model: 'claude-sonnet-4-5', inputTokens: 61234, outputTokens: 4210, calls: 9, toolCalls: 14, experiments: 2 });
  });

  it('still reads commits written before the spend trailers existed', () => {
    // A commit message exactly as bridle wrote them before (from the README's real run).
    const old = [
      'harness(retail): policy-guard.ts — policy check failed: confirmation',
      '',
      'Failure group: policy check failed: confirmation',
      'Signature: policy:confirmation',
      '',
      'Held-out success, 24 validation tasks × 3 trials, paired (difference in points [95% interval]):',
      '  sim/scatter (simulated)   73.6% →  80.6%    +6.9 [+2.8, +12.5]',
      '  mean                                        +6.9 [+2.8, +12.5]',
      '',
      'Bridle-Run: evolve-retail-20261125-070922',
      'Bridle-Engineer: heuristic',
      'Bridle-Candidate: 004',
      'Bridle-Group: policy:confirmation',
      'Bridle-Delta: +6.9',
      'Bridle-Interval: [+2.8, +12.5]',
      'Bridle-Heldout-Backbones: sim/scatter',
      'Bridle-Modules: policy-guard.ts',
    ].join('\n');
    const parsed = parseHarnessCommit(old);
    expect(parsed).toMatchObject({ engineer: 'heuristic', candidate: 4, delta: 6.9, modules: ['policy-guard.ts'] });
    expect(parsed).not.toHaveProperty('engineerSpend');
  });

  it('reads other commits as no harness commit', () => {
    expect(parseHarnessCommit('bridle: init')).toBeUndefined();
    expect(parseHarnessCommit('fix: a bug\n\nBridle-Run: r1')).toBeUndefined();
  });
});

describe('history', () => {
  it('reads harnesses from git objects, not the working tree', async () => {
    const root = await initialisedRepository();
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    const sha = await workspace.commitHarness({ files: [guard], manifest: manifest(['guard-writes.ts']), message: 'one', date: DAY_ONE });
    expect(workspace.readHarness()).toMatchObject({ files: [guard], manifest: manifest(['guard-writes.ts']) });
    writeFile(join(workspace.harnessDirectory, 'guard-writes.ts'), 'edited, not committed');

    const harness = await readHarnessAt(root, 'bridle/retail/r1', 'retail');
    expect(harness.files).toEqual([guard]);
    expect(harness.manifest).toEqual(manifest(['guard-writes.ts']));
    expect(harness.label).toBe(`${sha}:harnesses/retail`);
    expect(await readHarnessAt(root, 'HEAD', 'retail')).toMatchObject({ files: [], manifest: { modules: [] } });

    await expectBridleError(readHarnessAt(root, 'no-such-rev', 'retail'), 'UNKNOWN_COMMIT');
    await expectBridleError(readHarnessAt(root, sha, 'airline'), 'HARNESS_INVALID');
    await expectBridleError(harnessTreeHash(root, sha, 'airline'), 'HARNESS_INVALID');
    await workspace.close();
  });

  it('lists run branches and a run’s commits from base to head, and finds a candidate’s commit', async () => {
    const root = await initialisedRepository();
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    const one = commitInfo({ runId: 'r1', candidate: 1, module: 'guard-writes.ts', modules: ['guard-writes.ts'] });
    const two = commitInfo({ runId: 'r1', candidate: 4, modules: ['normalize-order-ids.ts'] });
    const sha1 = await workspace.commitHarness({ files: [guard], manifest: manifest(['guard-writes.ts']), message: formatHarnessCommit(one), date: DAY_ONE });
    const sha2 = await workspace.commitHarness({
      files: [guard, normalize],
      manifest: manifest(['guard-writes.ts', 'normalize-order-ids.ts']),
      message: formatHarnessCommit(two),
      date: DAY_TWO,
    });
    await workspace.close();
    const other = await openRunWorkspace({ root, environment: 'airline', runId: 'r2' });
    await other.close();

    const head = git(root, 'rev-parse', 'HEAD').trim();
    expect(await listRunBranches(root)).toEqual([
      { branch: 'bridle/airline/r2', environment: 'airline', runId: 'r2', head },
      { branch: 'bridle/retail/r1', environment: 'retail', runId: 'r1', head: sha2 },
    ]);

    const commits = await listRunCommits(root, 'bridle/retail/r1');
    expect(commits.map((commit) => [commit.sha, commit.date, commit.subject])).toEqual([
      [sha1, '2025-01-01T00:00:00+00:00', 'harness(retail): guard-writes.ts — get_order fails on order ids without their prefix'],
      [sha2, '2025-01-02T00:00:00+00:00', 'harness(retail): normalize-order-ids.ts — get_order fails on order ids without their prefix'],
    ]);
    expect(commits.map((commit) => commit.info)).toEqual([one, two]);
    expect(await listRunCommits(root, 'bridle/airline/r2')).toEqual([]);

    expect((await findCommitForCandidate(root, 'bridle/retail/r1', 'r1', 4))?.sha).toBe(sha2);
    expect(await findCommitForCandidate(root, 'bridle/retail/r1', 'r1', 2)).toBeUndefined();
    await expectBridleError(listRunCommits(root, 'bridle/retail/nope'), 'UNKNOWN_RUN');
  });

  it('finds the harness of a project that lives in a subfolder of the repository', async () => {
    const top = userRepository();
    const root = join(top, 'packages/agent');
    await initProject({ root, environments: ['retail'], date: DAY_ONE });
    expect(git(top, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      'packages/agent/.gitignore',
      'packages/agent/harnesses/retail/harness.json',
    ]);
    const workspace = await openRunWorkspace({ root, environment: 'retail', runId: 'r1' });
    expect(workspace.harnessDirectory).toBe(join(root, '.bridle/worktrees/r1/packages/agent/harnesses/retail'));
    await workspace.commitHarness({ files: [guard], manifest: manifest(['guard-writes.ts']), message: 'one', date: DAY_ONE });
    expect((await readHarnessAt(root, 'bridle/retail/r1', 'retail')).files).toEqual([guard]);
    expect(git(top, 'status', '--porcelain')).toBe('');
    await workspace.close();
  });
});
