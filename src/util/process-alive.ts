/** Whether a process on this host is still running. */
import { readFileSync } from 'node:fs';

/** True while `pid` runs; a killed process its parent has not reaped yet (a zombie) counts as gone. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but is not ours.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
}

/** A zombie still answers signal 0; on Linux /proc says it is dead (elsewhere we cannot tell, and say no). */
function zombie(pid: number): boolean {
  try {
    // Field 3 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}
