/**
 * Building file trees and comparing them. Task generators build a task's starting tree here and derive
 * its expected tree with the same edits (move, remove, chmod, write) the request asks for; the verifier
 * compares the machine's tree with it through `viewOf`, which leaves out what an agent may change
 * freely (modification times, scratch space under /tmp).
 */
import type { Entry, FileTable } from './machine.ts';
import { HOME } from './machine.ts';

/** The moment every task's machine starts at: Friday 14 June 2024, 09:30 UTC. */
export const START_TIME = Date.UTC(2024, 5, 14, 9, 30, 0);

const DAY = 86_400_000;

/** Options of a file in a tree under construction. */
export interface FileOptions {
  /** Permission bits (default 0o644). */
  mode?: number;
  /** Age in days before {@link START_TIME} (default 2); fractions allowed. */
  age?: number;
}

/** A tree under construction: parents are created as needed (0o755, same age as the child). */
export interface TreeBuilder {
  file(path: string, content: string, options?: FileOptions): TreeBuilder;
  directory(path: string, options?: FileOptions): TreeBuilder;
  symlink(path: string, target: string): TreeBuilder;
  build(): FileTable;
}

/** The skeleton every machine has: root, home, /etc, /tmp, /var and the shell's /usr. */
export function createTree(): TreeBuilder {
  const files: FileTable = {};
  const time = (age: number | undefined) => START_TIME - Math.round((age ?? 2) * DAY);
  const ensureParents = (path: string, mtime: number) => {
    const parts = path.split('/').filter(Boolean);
    for (let index = 0; index < parts.length - 1; index++) {
      const parent = `/${parts.slice(0, index + 1).join('/')}`;
      if (!files[parent]) files[parent] = { type: 'directory', mode: 0o755, mtime };
    }
  };
  const builder: TreeBuilder = {
    file(path, content, options = {}) {
      const mtime = time(options.age);
      ensureParents(path, mtime);
      files[path] = { type: 'file', content, mode: options.mode ?? 0o644, mtime };
      return builder;
    },
    directory(path, options = {}) {
      const mtime = time(options.age);
      ensureParents(path, mtime);
      files[path] = { type: 'directory', mode: options.mode ?? 0o755, mtime };
      return builder;
    },
    symlink(path, target) {
      const mtime = time(undefined);
      ensureParents(path, mtime);
      files[path] = { type: 'symlink', target, mtime };
      return builder;
    },
    build: () => sortTable(files),
  };
  builder
    .directory('/', { age: 400 })
    .directory('/usr', { age: 400 })
    .directory('/etc', { age: 400 })
    .directory('/var/log', { age: 400 })
    .directory('/var/tmp', { age: 400, mode: 0o1777 })
    .directory('/tmp', { age: 0.1, mode: 0o1777 })
    .file('/etc/hostname', 'shop-web-01\n', { age: 400 })
    .file('/etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n', { age: 400 })
    .file(`${HOME}/.bashrc`, '# ~/.bashrc: executed by bash for non-login shells.\nexport PATH="$HOME/bin:$PATH"\nalias ll=\'ls -alF\'\n', { age: 300 })
    .file(`${HOME}/.profile`, '# ~/.profile: executed by the command interpreter for login shells.\n[ -f ~/.bashrc ] && . ~/.bashrc\n', { age: 300 });
  return builder;
}

function sortTable(files: FileTable): FileTable {
  const sorted: FileTable = {};
  for (const path of Object.keys(files).sort()) sorted[path] = structuredClone(files[path] as Entry);
  return sorted;
}

/** What the verifier compares of an entry: everything but its time. */
export type ViewEntry =
  | { type: 'file'; content: string; encoding?: 'base64'; mode: number }
  | { type: 'directory'; mode: number }
  | { type: 'symlink'; target: string };

/** Scratch space: what an agent does there never counts. */
export const SCRATCH_ROOTS: readonly string[] = ['/tmp', '/var/tmp'];

function isScratch(path: string): boolean {
  return SCRATCH_ROOTS.some((root) => path.startsWith(`${root}/`));
}

/** The comparable view of a tree: no times, nothing inside scratch space. */
export function viewOf(files: FileTable): Record<string, ViewEntry> {
  const view: Record<string, ViewEntry> = {};
  for (const path of Object.keys(files).sort()) {
    if (isScratch(path)) continue;
    const entry = files[path] as Entry;
    if (entry.type === 'file') view[path] = { type: 'file', content: entry.content, mode: entry.mode, ...(entry.encoding ? { encoding: entry.encoding } : {}) };
    else if (entry.type === 'directory') view[path] = { type: 'directory', mode: entry.mode };
    else view[path] = { type: 'symlink', target: entry.target };
  }
  return view;
}

/** Edits on a copy of a tree, to derive a task's expected tree from its starting tree. */
export interface TreeEdit {
  /** Move (rename) a file or a directory with everything under it. */
  move(from: string, to: string): TreeEdit;
  /** Remove a path and everything under it. */
  remove(path: string): TreeEdit;
  chmod(path: string, mode: number): TreeEdit;
  /** Create or overwrite a file (a new file gets `mode`, default 0o644; an existing one keeps its mode). */
  write(path: string, content: string, mode?: number): TreeEdit;
  /** Create a directory and its parents (0o755). */
  mkdir(path: string): TreeEdit;
  /** The current content of a file. */
  read(path: string): string;
  readonly files: FileTable;
}

/** Start editing a copy of `files`. New entries get {@link START_TIME} as their time (not compared anyway). */
export function editTree(files: FileTable): TreeEdit {
  const table: FileTable = structuredClone(files);
  const under = (path: string) => Object.keys(table).filter((candidate) => candidate === path || candidate.startsWith(`${path}/`));
  const edit: TreeEdit = {
    files: table,
    move(from, to) {
      for (const path of under(from)) {
        table[to + path.slice(from.length)] = table[path] as Entry;
        delete table[path];
      }
      return edit;
    },
    remove(path) {
      for (const inner of under(path)) delete table[inner];
      return edit;
    },
    chmod(path, mode) {
      const entry = table[path];
      if (!entry || entry.type === 'symlink') throw new Error(`chmod of a missing path ${path}`);
      entry.mode = mode;
      return edit;
    },
    write(path, content, mode = 0o644) {
      edit.mkdir(path.slice(0, path.lastIndexOf('/')) || '/');
      const existing = table[path];
      table[path] = { type: 'file', content, mode: existing?.type === 'file' ? existing.mode : mode, mtime: START_TIME };
      return edit;
    },
    mkdir(path) {
      const parts = path.split('/').filter(Boolean);
      for (let index = 0; index < parts.length; index++) {
        const directory = `/${parts.slice(0, index + 1).join('/')}`;
        if (!table[directory]) table[directory] = { type: 'directory', mode: 0o755, mtime: START_TIME };
      }
      return edit;
    },
    read(path) {
      const entry = table[path];
      if (entry?.type !== 'file') throw new Error(`no file ${path}`);
      return entry.content;
    },
  };
  return edit;
}

/** Paths of the files directly or indirectly under `directory`, sorted. */
export function filesUnder(files: FileTable, directory: string): string[] {
  return Object.keys(files)
    .filter((path) => path.startsWith(`${directory}/`) && files[path]?.type === 'file')
    .sort();
}

/** The last component of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * What a change did to a tree: whether anything changed, and the existing paths it deleted, moved away,
 * rewrote or changed the mode of (a deleted directory stands for everything that was in it).
 */
export function effectsOf(before: Record<string, ViewEntry>, after: Record<string, ViewEntry>): { changed: boolean; affected: string[] } {
  const goneAll = Object.keys(before).filter((path) => !(path in after) || after[path]!.type !== before[path]!.type);
  const gone = goneAll.filter((path) => !goneAll.some((other) => other !== path && path.startsWith(`${other}/`)));
  const inside = (path: string) => gone.some((removed) => path.startsWith(`${removed}/`));
  const altered = Object.keys(before).filter((path) => {
    const old = before[path]!;
    const now = after[path];
    if (!now || now.type !== old.type || inside(path)) return false;
    if (old.type === 'file' && now.type === 'file') return now.content !== old.content || now.encoding !== old.encoding || now.mode !== old.mode;
    if (old.type === 'directory' && now.type === 'directory') return now.mode !== old.mode;
    return false;
  });
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys].some((path) => JSON.stringify(before[path]) !== JSON.stringify(after[path]));
  return { changed, affected: [...new Set([...gone, ...altered])].sort() };
}
