/**
 * The os tools, a shell plus file tools as coding agents have them. `bash` runs a command line and may
 * change anything, so it is a write; `write_file`, `edit_file` and `move_path` change one file or folder.
 * `read_file` and `list_directory` only read the machine (they are read-only, so harness modules may
 * `peek` with them): they answer from the machine's data directly, without the shell, and
 * `list_directory` shows true permission bits (this shell's `ls -l` does not).
 */
import { defineTool, param, refuse, type ToolDefinition } from '../../src/toolkit/index.ts';
import { isLayoutPath, type Entry, type Machine } from './machine.ts';
import { formatOutcome, truncate } from './output.ts';
import { effectsOf, viewOf } from './tree.ts';
import type { Shell } from './shell.ts';

/** Longest command line accepted (a longer one is refused before it runs). */
export const MAX_COMMAND_LENGTH = 8000;
/** Largest file `write_file` writes. */
export const MAX_WRITE_BYTES = 64_000;
const READ_LINES = 200;
/** An absolute path on one line. */
const ABSOLUTE_PATH = '^/[^\\n]*$';

const pathParameter = (what: string, example: string) =>
  param.string({ pattern: ABSOLUTE_PATH, description: `Absolute path of the ${what}, e.g. '${example}' (write ~ as /home/user).` });

/** The tools of one environment instance, all running on the given shell. */
export function createOsTools(shell: Shell): ToolDefinition<Machine>[] {
  return [
    defineTool<Machine>({
      name: 'bash',
      readOnly: false,
      description:
        'Run one bash command line on the machine and get its stdout, stderr and exit status (output is cut after ' +
        '100 lines). Pipes, redirections, loops, && and here-documents work; `cd` carries over to the next call, ' +
        "variables do not. Pass plain shell text, e.g. `grep -c ERROR /var/log/shop/worker.log` or " +
        "`mkdir -p ~/reports && sort data.txt > ~/reports/sorted.txt`: no markdown fences, no '$ ' prompt.",
      parameters: {
        command: param.string({ description: "The command line, e.g. 'find ~/Pictures -name \"*.png\" | wc -l'." }),
        workdir: param.string({ pattern: ABSOLUTE_PATH, description: "Optional: the directory to run this one command in, e.g. '/var/log/nginx' (default: the current directory)." }),
      },
      required: ['command'],
      run(machine, args) {
        const command = String(args.command);
        if (command.length > MAX_COMMAND_LENGTH) refuse(`the command is ${command.length} characters long; the limit is ${MAX_COMMAND_LENGTH} (write long scripts with write_file)`);
        const workdir = args.workdir === undefined ? undefined : normalise(String(args.workdir));
        if (workdir !== undefined && machine.files[workdir]?.type !== 'directory') {
          return formatOutcome({ stdout: '', stderr: `bash: cd: ${workdir}: ${machine.files[workdir] ? 'Not a directory' : 'No such file or directory'}\n`, exitCode: 1 });
        }
        const before = viewOf(machine.files);
        // A workdir holds for this command only: the current directory stays what it was.
        const { outcomes, machine: next } = shell.run(workdir === undefined ? machine : { ...machine, cwd: workdir }, [command]);
        const journal = [...machine.journal, { tool: 'bash', args: { ...args }, ...effectsOf(before, viewOf(next.files)) }];
        Object.assign(machine, next, { journal, ...(workdir === undefined ? {} : { cwd: machine.cwd }) });
        return formatOutcome(outcomes[0]!);
      },
    }),
    defineTool<Machine>({
      name: 'write_file',
      readOnly: false,
      description:
        'Create or overwrite a text file with the given content (parent directories are created as needed; a new file ' +
        'gets mode 644, an existing one keeps its mode). Use it for scripts and other multi-line files instead of echo or a here-document.',
      parameters: {
        path: pathParameter('file', '/home/user/bin/report.sh'),
        content: param.string({ description: "The whole new content, e.g. '#!/bin/bash\\necho hello\\n'." }),
      },
      run(machine, args) {
        const path = normalise(String(args.path));
        const content = String(args.content);
        if (Buffer.byteLength(content) > MAX_WRITE_BYTES) refuse(`${path}: the content is larger than ${MAX_WRITE_BYTES} bytes`);
        if (isLayoutPath(path)) refuse(`${path}: Read-only file system`);
        const existing = resolve(machine, path, 'write');
        if (existing.entry?.type === 'directory') refuse(`${existing.path}: Is a directory`);
        const before = viewOf(machine.files);
        machine.now += 1000;
        createParents(machine, existing.path);
        const mode = existing.entry?.type === 'file' ? existing.entry.mode : 0o644;
        machine.files[existing.path] = { type: 'file', content, mode, mtime: machine.now };
        machine.journal.push({ tool: 'write_file', args: { path: String(args.path), content }, ...effectsOf(before, viewOf(machine.files)) });
        return `Wrote ${Buffer.byteLength(content)} bytes to ${existing.path}`;
      },
    }),
    defineTool<Machine>({
      name: 'edit_file',
      readOnly: false,
      description:
        'Replace one exact piece of text in a file with another (the file keeps its mode). old_text must occur exactly once, ' +
        "spaces and line breaks included: e.g. old_text 'port = 8080' and new_text 'port = 8443'. To append, repeat the last line in old_text.",
      parameters: {
        path: pathParameter('file', '/etc/shop/app.conf'),
        old_text: param.string({ description: "The text to replace, copied exactly from the file, e.g. 'debug = true'." }),
        new_text: param.string({ description: "The text to put in its place, e.g. 'debug = false' (empty to delete old_text)." }),
      },
      run(machine, args) {
        const { path, entry } = resolve(machine, normalise(String(args.path)), 'read');
        const oldText = String(args.old_text);
        if (!entry) refuse(`${path}: No such file or directory`);
        if (entry.type !== 'file') refuse(`${path}: Is a directory`);
        if (entry.encoding === 'base64') refuse(`${path}: binary file; edit it with bash`);
        if (oldText === '') refuse('old_text must not be empty (use write_file to create or replace a whole file)');
        const count = entry.content.split(oldText).length - 1;
        if (count === 0) refuse(`old_text was not found in ${path} (it must match the file exactly, spaces and line breaks included; read_file shows the content)`);
        if (count > 1) refuse(`old_text appears ${count} times in ${path}; include more of the surrounding text so that it matches exactly once`);
        const before = viewOf(machine.files);
        const at = entry.content.indexOf(oldText);
        const line = entry.content.slice(0, at).split('\n').length;
        machine.now += 1000;
        machine.files[path] = { ...entry, content: entry.content.slice(0, at) + String(args.new_text) + entry.content.slice(at + oldText.length), mtime: machine.now };
        machine.journal.push({ tool: 'edit_file', args: { path: String(args.path), old_text: oldText, new_text: String(args.new_text) }, ...effectsOf(before, viewOf(machine.files)) });
        return `Edited ${path}: replaced 1 occurrence at line ${line}`;
      },
    }),
    defineTool<Machine>({
      name: 'move_path',
      readOnly: false,
      description:
        'Move or rename a file or directory (a directory moves with everything in it). The destination must not exist yet and its ' +
        "folder must: e.g. source '/home/user/Downloads/report.pdf', destination '/home/user/Archive/report.pdf'.",
      parameters: {
        source: pathParameter('file or directory to move', '/home/user/Downloads/report.pdf'),
        destination: pathParameter('new path, including the name', '/home/user/Archive/report.pdf'),
      },
      run(machine, args) {
        // A symbolic link moves as itself; only the folders on the way are followed.
        const named = normalise(String(args.source));
        const source = machine.files[named]?.type === 'symlink' ? { path: named, entry: machine.files[named] } : resolve(machine, named, 'read');
        const destination = normalise(String(args.destination));
        if (!source.entry) refuse(`${source.path}: No such file or directory`);
        if (isLayoutPath(destination) || isLayoutPath(source.path)) refuse(`${isLayoutPath(destination) ? destination : source.path}: Read-only file system`);
        if (machine.files[destination]) refuse(`${destination}: File exists (move into a folder by naming the new path in full, e.g. ${destination}/${source.path.slice(source.path.lastIndexOf('/') + 1)})`);
        if (destination === source.path || destination.startsWith(`${source.path}/`)) refuse(`cannot move ${source.path} into itself`);
        const parent = destination.slice(0, destination.lastIndexOf('/')) || '/';
        if (machine.files[parent]?.type !== 'directory') refuse(`${parent}: No such file or directory (create the folder first, e.g. with bash mkdir -p)`);
        const before = viewOf(machine.files);
        machine.now += 1000;
        for (const path of Object.keys(machine.files).filter((candidate) => candidate === source.path || candidate.startsWith(`${source.path}/`))) {
          machine.files[destination + path.slice(source.path.length)] = machine.files[path]!;
          delete machine.files[path];
        }
        machine.journal.push({ tool: 'move_path', args: { source: String(args.source), destination: String(args.destination) }, ...effectsOf(before, viewOf(machine.files)) });
        return `Moved ${source.path} to ${destination}`;
      },
    }),
    defineTool<Machine>({
      name: 'read_file',
      readOnly: true,
      description: `Read a text file (the first ${READ_LINES} lines; use bash with sed -n or tail for the rest).`,
      parameters: { path: pathParameter('file', '/etc/shop/app.conf') },
      run(machine, args) {
        const { path, entry } = resolve(machine, normalise(String(args.path)), 'read');
        if (!entry) refuse(`${path}: No such file or directory`);
        if (entry.type === 'directory') refuse(`${path}: Is a directory (use list_directory)`);
        if (entry.type !== 'file') refuse(`${path}: cannot read this kind of file`);
        if (entry.encoding === 'base64') refuse(`${path}: binary file (${Buffer.from(entry.content, 'base64').length} bytes); inspect it with bash, e.g. od -c or file`);
        return entry.content === '' ? '(empty file)' : truncate(entry.content, READ_LINES, 16_000);
      },
    }),
    defineTool<Machine>({
      name: 'list_directory',
      readOnly: true,
      description:
        'List a directory, hidden entries included: one line per entry with its permissions (true mode bits), size in bytes, ' +
        "modification time and name (directories end in '/', symbolic links show their target).",
      parameters: { path: pathParameter('directory', '/home/user/Pictures') },
      run(machine, args) {
        const { path, entry } = resolve(machine, normalise(String(args.path)), 'read');
        if (!entry) refuse(`${path}: No such file or directory`);
        if (entry.type !== 'directory') refuse(`${path}: Not a directory`);
        const prefix = path === '/' ? '/' : `${path}/`;
        const children = Object.keys(machine.files)
          .filter((candidate) => candidate.startsWith(prefix) && candidate !== path && !candidate.slice(prefix.length).includes('/'))
          .sort();
        if (children.length === 0) return `${path}: empty directory`;
        const lines = children.map((child) => describeEntry(child.slice(prefix.length), machine.files[child] as Entry));
        return truncate(lines.join('\n'), 200, 16_000);
      },
    }),
  ];
}

/** Collapse `//`, `.` and `..` of an absolute path. */
export function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/**
 * Follow symbolic links along a path. For writes the last component is not followed when it is missing;
 * a file in the middle of the path is refused as the shell would.
 */
function resolve(machine: Machine, path: string, purpose: 'read' | 'write'): { path: string; entry: Entry | undefined } {
  let current = path;
  for (let hops = 0; hops < 20; hops++) {
    const parts = current.split('/').filter(Boolean);
    let prefix = '';
    let redirected = false;
    for (let index = 0; index < parts.length; index++) {
      prefix = `${prefix}/${parts[index]}`;
      const entry = machine.files[prefix];
      const last = index === parts.length - 1;
      if (entry?.type === 'symlink') {
        const base = prefix.slice(0, prefix.lastIndexOf('/')) || '/';
        const target = entry.target.startsWith('/') ? entry.target : `${base}/${entry.target}`;
        current = normalise([target, ...parts.slice(index + 1)].join('/'));
        redirected = true;
        break;
      }
      if (!last && entry?.type === 'file') refuse(`${prefix}: Not a directory`);
      if (!last && !entry && purpose === 'read') return { path, entry: undefined };
    }
    if (!redirected) return { path: current, entry: machine.files[current] };
  }
  refuse(`${path}: Too many levels of symbolic links`);
}

function createParents(machine: Machine, path: string): void {
  const parts = path.split('/').filter(Boolean);
  for (let index = 0; index < parts.length - 1; index++) {
    const directory = `/${parts.slice(0, index + 1).join('/')}`;
    if (!machine.files[directory]) machine.files[directory] = { type: 'directory', mode: 0o755, mtime: machine.now };
  }
}

/** "-rwxr-xr-x" from a type and mode. */
export function modeString(entry: Entry): string {
  if (entry.type === 'symlink') return 'lrwxrwxrwx';
  const bits = entry.mode;
  const triplet = (shift: number, special: number, specialChar: string) => {
    const read = bits & (4 << shift) ? 'r' : '-';
    const write = bits & (2 << shift) ? 'w' : '-';
    const execute = bits & (1 << shift);
    const x = bits & special ? (execute ? specialChar : specialChar.toUpperCase()) : execute ? 'x' : '-';
    return read + write + x;
  };
  return (entry.type === 'directory' ? 'd' : '-') + triplet(6, 0o4000, 's') + triplet(3, 0o2000, 's') + triplet(0, 0o1000, 't');
}

function describeEntry(name: string, entry: Entry): string {
  const size = entry.type === 'file' ? (entry.encoding === 'base64' ? Buffer.from(entry.content, 'base64').length : Buffer.byteLength(entry.content)) : entry.type === 'directory' ? 4096 : entry.target.length;
  const time = new Date(entry.mtime).toISOString().slice(0, 16).replace('T', ' ');
  const shown = entry.type === 'directory' ? `${name}/` : entry.type === 'symlink' ? `${name} -> ${entry.target}` : name;
  return `${modeString(entry)} ${String(size).padStart(7)} ${time} ${shown}`;
}
