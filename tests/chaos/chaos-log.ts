/**
 * The chaos suite's record: each test appends what it tried, what bridle should do and what it did to
 * .bridle/chaos/results.jsonl; tests/chaos/table.ts prints them as the README's table.
 */
import { appendFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS = join(ROOT, '.bridle', 'chaos', 'results.jsonl');

/** One row of the chaos table. */
export interface ChaosRow {
  attack: string;
  expected: string;
  observed: string;
  passed: boolean;
}

export function record(row: ChaosRow): void {
  mkdirSync(join(ROOT, '.bridle', 'chaos'), { recursive: true });
  appendFileSync(RESULTS, `${JSON.stringify({ ...row, at: new Date().toISOString() })}\n`);
}

export function readRows(): (ChaosRow & { at: string })[] {
  try {
    return readFileSync(RESULTS, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}

/** Pids of a process's descendants (Linux /proc). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      // Gone.
    }
  }
  const out: number[] = [];
  const walk = (from: number) => {
    for (const child of children.get(from) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** The command line of a process ('' when it is gone). */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Episode worker processes under `pid`. */
export function episodeWorkers(pid: number): number[] {
  return descendants(pid).filter((child) => commandOf(child).includes('episode-worker'));
}

/** RSS of processes, in MiB. */
export function rssMiB(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += (Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096) / 2 ** 20;
    } catch {
      // Gone.
    }
  }
  return total;
}

export const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
