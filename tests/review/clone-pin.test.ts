/**
 * The README's claim about the adopted retail harness holds for a newcomer: tags do not come with a
 * clone, and the documented command pins the adopted commit again, verified by `bridle pins`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'bridle-clone-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the README pin, in a fresh clone', () => {
  it('npx bridle pin retail $(git log -1 --format=%h -- harnesses/retail) --as production pins the adopted harness, and bridle pins verifies it', () => {
    const clone = join(folder, 'bridle');
    execFileSync('git', ['clone', '-q', REPOSITORY, clone]);
    const env = { HOME: folder, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'newcomer', GIT_AUTHOR_EMAIL: 'newcomer@example.com', GIT_COMMITTER_NAME: 'newcomer', GIT_COMMITTER_EMAIL: 'newcomer@example.com' };
    expect(execFileSync('git', ['tag', '-l', 'bridle/*'], { cwd: clone, encoding: 'utf8' }).trim()).toBe('');
    const adopted = execFileSync('git', ['log', '-1', '--format=%h', '--', 'harnesses/retail'], { cwd: clone, encoding: 'utf8' }).trim();
    const pinned = runCli(['pin', 'retail', adopted, '--as', 'production'], clone, env);
    expect(pinned.stderr).toBe('');
    expect(pinned.code).toBe(0);
    const pins = runCli(['pins', 'retail'], clone, env);
    expect(pins.code).toBe(0);
    expect(pins.stdout).toMatch(/^retail\/production\s+current\s+[0-9a-f]{10}\s.*\sok\s+sim\/scatter \(simulated\)/m);
  });
});
