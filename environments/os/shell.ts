/**
 * A synchronous shell over just-bash. Environment sessions are synchronous (a tool call returns its
 * result, `peek` runs inside harness code without awaiting), and just-bash only runs asynchronously, so
 * the commands run in a worker thread while the caller blocks on an Atomics flag: the usual way to call
 * asynchronous code synchronously in Node (as synckit does). The worker is stateless: each request
 * carries the whole machine and gets the machine back, so one worker serves every session in turn.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { seedOf } from '../../src/toolkit/index.ts';
import type { CommandOutcome, Machine, ShellRequest, ShellResponse } from './machine.ts';

/** Runs commands on machines. */
export interface Shell {
  /** Run `commands` one after another on a copy of `machine`; returns their outcomes and the machine after them. */
  run(machine: Machine, commands: readonly string[]): { outcomes: CommandOutcome[]; machine: Machine };
  /** Stop the worker thread (it is also unreferenced, so it never keeps the process alive). */
  close(): void;
}

/** Options of {@link createShell}. */
export interface ShellOptions {
  /** Wall-clock limit of one request; past it the worker is replaced and the command reported as timed out. */
  timeoutMs?: number;
  /**
   * Run just-bash's defense-in-depth layer too (default false). It patches JavaScript globals around every
   * command against escapes from the interpreter into the host realm; here the interpreter already runs
   * in a worker thread of its own with nothing of the host in it, runs no JavaScript or Python (those
   * commands are not offered), and the layer makes each command several times slower.
   */
  hardened?: boolean;
}

/** Exit status of a command the shell gave up on, as `timeout` reports it. */
export const TIMED_OUT_STATUS = 124;

// The worker is this module's sibling with the same extension: .ts from the sources, .js from a build.
const WORKER_URL = new URL(`./shell-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

interface Connection {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

/** A shell whose worker thread starts on the first command. */
export function createShell(options: ShellOptions = {}): Shell {
  const timeoutMs = options.timeoutMs ?? 20_000;
  let connection: Connection | null = null;

  const connect = (): Connection => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    // No inherited flags or loaders: the worker is plain erasable TypeScript (or JavaScript in a build).
    const worker = new Worker(WORKER_URL, {
      workerData: { port: port2, flag },
      transferList: [port2],
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    worker.unref();
    port1.unref();
    return { worker, port: port1, flag };
  };

  const stop = () => {
    if (connection) void connection.worker.terminate();
    connection = null;
  };

  return {
    run(machine, commands) {
      connection ??= connect();
      const request: ShellRequest = { files: machine.files, cwd: machine.cwd, now: machine.now, seed: seedOf(machine.seed, machine.commands), commands: [...commands], hardened: options.hardened ?? false };
      Atomics.store(connection.flag, 0, 0);
      connection.port.postMessage(request);
      const waited = Atomics.wait(connection.flag, 0, 0, timeoutMs);
      const message = receiveMessageOnPort(connection.port)?.message as ShellResponse | undefined;
      if (waited === 'timed-out' || !message) {
        stop();
        const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
        const outcome = { stdout: '', stderr: `bash: command timed out after ${limit}\n`, exitCode: TIMED_OUT_STATUS };
        return { outcomes: commands.map(() => ({ ...outcome })), machine: { ...machine, now: machine.now + timeoutMs, commands: machine.commands + commands.length } };
      }
      if (!message.ok) throw new Error(`the shell failed: ${message.error}`);
      return {
        outcomes: message.outcomes,
        machine: { files: message.files, cwd: message.cwd, now: message.now, seed: machine.seed, commands: machine.commands + commands.length, journal: machine.journal },
      };
    },
    close: stop,
  };
}
