/**
 * The simulated machine as plain data: a table of filesystem entries by absolute path, the working
 * directory, the virtual clock and the seed of its randomness. Everything the agent can change lives
 * here, so a state is hashable, comparable and can be handed to the shell worker and back.
 *
 * This file is loaded by the shell worker thread too (by Node's own type stripping): erasable syntax only.
 */

/** A regular file. Text is stored as is; bytes that are not UTF-8 (an archive, say) as base64. */
export interface FileEntry {
  type: 'file';
  content: string;
  /** Present when `content` is base64 of bytes that are not valid UTF-8. */
  encoding?: 'base64';
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Modification time, milliseconds since the epoch (virtual clock). */
  mtime: number;
}

/** A directory. */
export interface DirectoryEntry {
  type: 'directory';
  mode: number;
  mtime: number;
}

/** A symbolic link. */
export interface SymlinkEntry {
  type: 'symlink';
  target: string;
  mtime: number;
}

export type Entry = FileEntry | DirectoryEntry | SymlinkEntry;

/** Every entry of the filesystem by absolute path (the shell's own /bin, /usr/bin, /dev and /proc excluded). */
export type FileTable = Record<string, Entry>;

/** The machine of one episode. */
export interface Machine {
  files: FileTable;
  /** Working directory of the next command (`cd` carries over between commands). */
  cwd: string;
  /** The virtual clock, milliseconds since the epoch: `date`, new files' times and `find -mtime` read it. */
  now: number;
  /** Seed of the shell's randomness (`$RANDOM`, awk's `rand()`), drawn afresh from it for every command. */
  seed: number;
  /** Commands run so far (part of each command's random seed). */
  commands: number;
  /** What each bash or write_file call did to the files, in call order (the dry-run rule is judged on it). */
  journal: JournalEntry[];
}

/** The effect of one bash or write_file call. */
export interface JournalEntry {
  tool: string;
  /** The call's arguments, to match the entry with its call in the episode's log. */
  args: Record<string, unknown>;
  /** True when any file, directory or mode changed. */
  changed: boolean;
  /** Existing paths it deleted, moved away or rewrote (outermost paths only; new files and mode changes are not listed). */
  affected: string[];
}

/** What one command produced. */
export interface CommandOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A request to the shell worker: run commands one after another on a machine. */
export interface ShellRequest {
  files: FileTable;
  cwd: string;
  now: number;
  seed: number;
  commands: string[];
  /** Run with just-bash's defense-in-depth layer (patched globals around every command; several times slower). */
  hardened: boolean;
}

/** The worker's answer: each command's outcome and the machine afterwards. */
export type ShellResponse =
  | { ok: true; outcomes: CommandOutcome[]; files: FileTable; cwd: string; now: number }
  | { ok: false; error: string };

/** Home of the only user, and the starting directory. */
export const HOME = '/home/user';

/** Paths the shell lays out itself on every start (command stubs, devices, proc): never part of the state. */
export const SHELL_LAYOUT_ROOTS: readonly string[] = ['/bin', '/usr/bin', '/dev', '/proc'];

/** True for a path inside the shell's own layout. */
export function isLayoutPath(path: string): boolean {
  return SHELL_LAYOUT_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));
}
