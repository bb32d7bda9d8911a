/** Temporary git repositories for end-to-end tests, and reading their run branches. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder; HOME points at it too so the machine's git config cannot leak in. */
export function temporaryProject(prefix = 'bridle-e2e-'): { root: string; env: Record<string, string> } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { root, env: { HOME: root, GIT_CONFIG_NOSYSTEM: '1' } };
}

export function git(root: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
}

export function runBranches(root: string): string[] {
  const out = git(root, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/bridle/']);
  return out ? out.split('\n') : [];
}

/** Tree hashes of a branch's commits, oldest first. */
export function treesOf(root: string, branch: string): string[] {
  return git(root, ['log', '--reverse', '--format=%T', branch]).split('\n');
}
