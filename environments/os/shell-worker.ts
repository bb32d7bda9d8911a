/**
 * The shell worker thread: runs commands in just-bash on a machine handed over as plain data and hands
 * the machine back. It lives in its own thread for two reasons. The environment contract is synchronous
 * while just-bash is asynchronous, so the host blocks on an Atomics flag until this thread answers. And
 * a thread is its own JavaScript realm, so the machine's clock and entropy can be virtualised here
 * (`Date`, `performance.now`, `Math.random`) without touching the host's: the same machine and commands
 * always give the same output, `date` and `$RANDOM` included.
 *
 * Loaded by Node's own type stripping (no loader in the thread): erasable TypeScript only.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import type { CommandName } from 'just-bash';
import type { CommandOutcome, Entry, FileTable, ShellRequest, ShellResponse } from './machine.ts';

interface WorkerInput {
  port: MessagePort;
  /** Slot 0 is set to 1 (and notified) once a response is on the port. */
  flag: Int32Array;
}

const { port, flag } = workerData as WorkerInput;

// The virtual clock and entropy of the simulated machine: set from the request before each command.
const clock = { now: 0 };
let randomState = 1;
const RealDate = Date;

class VirtualDate extends RealDate {
  constructor(...args: unknown[]) {
    super(...((args.length === 0 ? [clock.now] : args) as [number]));
  }

  static override now(): number {
    return clock.now;
  }
}

globalThis.Date = VirtualDate as DateConstructor;
// `time` and the interpreter's own timers read performance.now(): a command takes no time on this machine.
performance.now = () => 0;
// mulberry32, the same generator as src/util/random.ts (inlined: this thread loads nothing but just-bash).
Math.random = () => {
  randomState = (randomState + 0x6d2b79f5) >>> 0;
  let value = randomState;
  value = Math.imul(value ^ (value >>> 15), value | 1);
  value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
  return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
};

// Imported only now, so that just-bash binds the virtual clock and not the real one.
const { Bash, InMemoryFs, getCommandNames } = await import('just-bash');

/** The commands the machine offers: just-bash's built-ins minus network, interpreters and databases. */
const EXCLUDED_COMMANDS = new Set(['curl', 'html-to-markdown', 'python', 'python3', 'js-exec', 'node', 'sqlite3']);
const COMMANDS = getCommandNames().filter((name) => !EXCLUDED_COMMANDS.has(name)) as CommandName[];

const LIMITS = {
  maxCommandCount: 20_000,
  maxLoopIterations: 10_000,
  maxAwkIterations: 100_000,
  maxSedIterations: 100_000,
  maxCallDepth: 64,
  maxOutputSize: 1_000_000,
  maxFileSystemBytes: 16_000_000,
  maxStringLength: 4_000_000,
  maxHeredocSize: 1_000_000,
};

const LAYOUT_ROOTS = ['/bin', '/usr/bin', '/dev', '/proc'];
const isLayoutPath = (path: string) => LAYOUT_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));
const utf8 = new TextDecoder('utf-8', { fatal: true });

type Fs = InstanceType<typeof InMemoryFs>;

async function load(files: FileTable): Promise<Fs> {
  const fs = new InMemoryFs();
  const paths = Object.keys(files).sort();
  for (const path of paths) {
    const entry = files[path] as Entry;
    if (entry.type === 'directory') fs.mkdirSync(path, { recursive: true });
    else if (entry.type === 'file') {
      const content = entry.encoding === 'base64' ? new Uint8Array(Buffer.from(entry.content, 'base64')) : entry.content;
      fs.writeFileSync(path, content, undefined, { mode: entry.mode, mtime: new RealDate(entry.mtime) });
    }
  }
  for (const path of paths) {
    const entry = files[path] as Entry;
    if (entry.type === 'symlink') await fs.symlink(entry.target, path);
  }
  // Directory modes and times last: creating their children would otherwise touch them again.
  for (const path of paths.reverse()) {
    const entry = files[path] as Entry;
    if (entry.type === 'directory') {
      await fs.chmod(path, entry.mode);
      await fs.utimes(path, new RealDate(entry.mtime), new RealDate(entry.mtime));
    }
  }
  return fs;
}

async function dump(fs: Fs): Promise<FileTable> {
  const files: FileTable = {};
  for (const path of fs.getAllPaths().sort()) {
    if (isLayoutPath(path)) continue;
    const stat = await fs.lstat(path);
    const mtime = stat.mtime ? stat.mtime.getTime() : clock.now;
    if (stat.isSymbolicLink) files[path] = { type: 'symlink', target: await fs.readlink(path), mtime };
    else if (stat.isDirectory) files[path] = { type: 'directory', mode: stat.mode & 0o7777, mtime };
    else {
      const bytes = await fs.readFileBuffer(path);
      let content: string;
      let binary = false;
      try {
        content = utf8.decode(bytes);
      } catch {
        content = Buffer.from(bytes).toString('base64');
        binary = true;
      }
      files[path] = { type: 'file', content, mode: stat.mode & 0o7777, mtime, ...(binary ? { encoding: 'base64' as const } : {}) };
    }
  }
  return files;
}

async function run(request: ShellRequest): Promise<ShellResponse> {
  clock.now = request.now;
  randomState = request.seed >>> 0;
  const fs = await load(request.files);
  const bash = new Bash({
    fs,
    cwd: request.cwd,
    env: { HOME: '/home/user', USER: 'user', LOGNAME: 'user', SHELL: '/bin/bash', LANG: 'C.UTF-8', TZ: 'UTC' },
    commands: COMMANDS,
    executionLimits: LIMITS,
    processInfo: { pid: 4242, ppid: 4241, uid: 1000, gid: 1000 },
    defenseInDepth: request.hardened,
    // sleep advances the virtual clock instead of waiting.
    sleep: async (milliseconds: number) => {
      clock.now += Math.max(0, Math.floor(milliseconds));
    },
  });
  const outcomes: CommandOutcome[] = [];
  let cwd = request.cwd;
  for (const command of request.commands) {
    const result = await bash.exec(command, { cwd, rawScript: true });
    outcomes.push({ stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode });
    const next = result.env.PWD;
    if (next && (await fs.exists(next))) cwd = next;
    clock.now += 1000;
  }
  return { ok: true, outcomes, files: await dump(fs), cwd, now: clock.now };
}

port.on('message', (request: ShellRequest) => {
  run(request)
    .catch((error: unknown): ShellResponse => ({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }))
    .then((response) => {
      port.postMessage(response);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
});
