/** Issue #12: a run lock — one process per run; a second gets one line and writes nothing. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireRunLock, runLockPath } from '../../src/store/run-lock.ts';
import { runCli, runCliAsync } from '../helpers/cli.ts';
import { git, temporaryProject } from '../helpers/repos.ts';

const folders: string[] = [];
const sleepers: ChildProcess[] = [];
afterAll(() => {
  for (const sleeper of sleepers) sleeper.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const made = mkdtempSync(join(tmpdir(), 'bridle-lock-'));
  folders.push(made);
  return made;
}

/** A live process that is not us: a lock it holds is not stale. */
function sleeper(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  sleepers.push(child);
  return child.pid!;
}

/** A pid that was alive and is not any more. */
async function deadPid(): Promise<number> {
  const child = spawn('true', [], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/** A process killed but not yet reaped by its parent (a zombie): `sh` execs into a sleep that never waits for it. */
async function zombiePid(): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  sleepers.push(parent);
  const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
  const isZombie = () => / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^\d+ \(.*\)/s, ''));
  for (let attempt = 0; attempt < 100 && !isZombie(); attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
  return pid;
}

function writeLock(root: string, runId: string, owner: { pid: number; host?: string }): void {
  mkdirSync(join(root, '.bridle', 'locks'), { recursive: true });
  writeFileSync(runLockPath(root, runId), JSON.stringify({ pid: owner.pid, host: owner.host ?? hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
}

describe('run lock', () => {
  it('refuses a run whose lock a live process holds, naming it; takes over the lock of a process that is gone', async () => {
    const root = folder();
    const holder = sleeper();
    writeLock(root, 'run-1', { pid: holder });
    expect(() => acquireRunLock(root, 'run-1', 'resume it')).toThrow(new RegExp(`^run run-1 is in use by process ${holder} on ${hostname()} \\(since 2026-01-01T00:00:00.000Z\\); cannot resume it until it ends`));
    // Another host's process cannot be checked from here: refused as well.
    writeLock(root, 'run-2', { pid: 1, host: 'elsewhere' });
    expect(() => acquireRunLock(root, 'run-2', 'resume it')).toThrow(/in use by process 1 on elsewhere/);
    // A dead owner's lock is stale: taken over, and released by its new owner.
    writeLock(root, 'run-3', { pid: await deadPid() });
    const lock = acquireRunLock(root, 'run-3', 'resume it');
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('takes over the lock of a killed process its parent has not reaped yet (a zombie answers signal 0)', async () => {
    const root = folder();
    const pid = await zombiePid();
    expect(() => process.kill(pid, 0)).not.toThrow();
    writeLock(root, 'run-z', { pid });
    const lock = acquireRunLock(root, 'run-z', 'resume it');
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('two processes racing for one stale lock: exactly one wins', async () => {
    const root = folder();
    writeLock(root, 'race', { pid: await deadPid() });
    const lockModule = fileURLToPath(new URL('../../src/store/run-lock.ts', import.meta.url));
    // A winner keeps its lock (stays alive) until every racer has answered: a winner that exited early
    // would leave a stale lock that a racer started late (a loaded machine) rightly takes over.
    const racer = `import { acquireRunLock } from ${JSON.stringify(lockModule)};
try { acquireRunLock(${JSON.stringify(root)}, 'race', 'test'); process.stdout.write('won'); setTimeout(() => {}, 120000); } catch (error) { process.stdout.write(error.code); }`;
    const children = Array.from({ length: 6 }, () => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', racer], { stdio: ['ignore', 'pipe', 'inherit'] }));
    const outcomes = await Promise.all(
      children.map((child) => {
        let out = '';
        return new Promise<string>((resolve) => {
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            resolve(out);
          });
          child.once('close', () => resolve(out));
        });
      }),
    );
    for (const child of children) child.kill('SIGKILL');
    expect(outcomes.filter((outcome) => outcome === 'won')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'RUN_LOCKED')).toHaveLength(5);
  }, 60_000);

  it('two `bridle evolve --resume` of one run at once: exactly one proceeds; the other says so in one line and writes nothing', async () => {
    const { root, env } = temporaryProject();
    folders.push(root);
    expect(runCli(['init'], root, env).code).toBe(0);
    const args = ['--iterations', '2', '--trials', '1', '--train-trials', '1', '--no-pruning'];
    // A run killed right after it started: resuming it has most of its work ahead.
    const killed = runCli(['evolve', '--env', 'retail', ...args], root, { ...env, BRIDLE_FAULT_INJECTION: 'iteration-start:1' });
    expect(killed.code).not.toBe(0);
    const runId = git(root, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/bridle/']).split('/')[2]!;
    const journal = join(root, '.bridle', 'runs', runId, 'journal.jsonl');

    // A live holder: refused, one line, exit code 2, the journal untouched.
    const holder = sleeper();
    writeLock(root, runId, { pid: holder });
    const before = readFileSync(journal, 'utf8');
    const refused = runCli(['evolve', '--resume', runId], root, env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^bridle: run ${runId} is in use by process ${holder} on .+; cannot resume it until it ends.*\\n$`));
    expect(readFileSync(journal, 'utf8')).toBe(before);
    rmSync(runLockPath(root, runId));

    // Two at once: one runs the iterations, the other is refused while it does.
    const [first, second] = await Promise.all([runCliAsync(['evolve', '--resume', runId, '--json'], root, env), runCliAsync(['evolve', '--resume', runId, '--json'], root, env)]);
    const codes = [first.code, second.code].sort();
    expect(codes, `${first.stderr}\n${second.stderr}`).toEqual([0, 2]);
    const loser = first.code === 2 ? first : second;
    expect(loser.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(loser.stderr).toMatch(/is in use by process \d+/);
    expect(existsSync(runLockPath(root, runId))).toBe(false);
    const resumes = readFileSync(journal, 'utf8').split('\n').filter((line) => line.includes('"run-resume"'));
    expect(resumes).toHaveLength(1);
  }, 600_000);
});
