/**
 * The `bridle` command line: a thin layer over the library. One error boundary: user mistakes print one
 * line and exit 2; anything unexpected prints its stack and exits 1.
 *
 * Building the program must stay cheap (`bridle --help` in well under half a second): the verbs import
 * the library (ts-morph, isolated-vm, providers, the report) inside their actions, not at the top.
 */
import { Command, CommanderError } from 'commander';
import { BridleError, USER_ERROR_CODES } from '../errors.ts';
import { envsCommand } from './envs-command.ts';
import { evalCommand } from './eval-command.ts';
import { evolveCommand } from './evolve-command.ts';
import { initCommand } from './init-command.ts';
import { reportCommand } from './report-command.ts';
import { reviewCommand } from './review-command.ts';
import { showCommand } from './show-command.ts';
import { adoptCommand } from './adopt-command.ts';
import { revertCommand } from './revert-command.ts';
import { pinCommand } from './pin-command.ts';
import { pinsCommand } from './pins-command.ts';
import { calibrateCommand } from './calibrate-command.ts';
import { packageVersion } from './version.ts';

export function buildProgram(): Command {
  const program = new Command('bridle')
    .description('Evolve the harness around a frozen LLM agent: evaluate, evolve, review, pin.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.trimEnd().split('\n')[0]!.replace(/^error: /, 'bridle: ') + '\n') });
  const commands = [
    initCommand(),
    envsCommand(),
    evalCommand(),
    evolveCommand(),
    calibrateCommand(),
    reviewCommand(),
    showCommand(),
    adoptCommand(),
    revertCommand(),
    pinCommand(),
    pinsCommand(),
    reportCommand(),
  ];
  for (const command of commands) {
    command.exitOverride().configureOutput({ outputError: (text, write) => write(`bridle ${command.name()}: ${text.trim().split('\n')[0]!.replace(/^error: /, '')}\n`) });
    program.addCommand(command);
  }
  return program;
}

/** Why the disk refused us, in one line, when that is what happened (a full disk, a read-only folder, ...). */
const STORAGE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
};

function storageFailure(error: unknown): string | undefined {
  const system = error as { code?: unknown; syscall?: unknown; path?: unknown } | null;
  // mkdir -p on a read-only mount reports the missing folder it could not create.
  if (system?.code === 'ENOENT' && system.syscall === 'mkdir') return `mkdir ${String(system.path)} failed: the folder cannot be created (read-only or missing parent); fix the permissions of .bridle/ and run again`;
  if (typeof system?.code !== 'string' || !(system.code in STORAGE_ERRORS)) return undefined;
  const what = typeof system.syscall === 'string' ? system.syscall : 'write';
  const where = typeof system.path === 'string' ? ` ${system.path}` : '';
  return `${what}${where} failed: ${STORAGE_ERRORS[system.code]} (${system.code}); free space or fix the permissions of .bridle/ and run again`;
}

/** Run the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (BridleError.isInstance(error) && USER_ERROR_CODES.has(error.code)) {
      process.stderr.write(`bridle: ${error.message}\n`);
      return 2;
    }
    if (BridleError.isInstance(error)) {
      process.stderr.write(`bridle: ${error.code}: ${error.message}\n`);
      return 1;
    }
    const storage = storageFailure(error);
    if (storage) {
      process.stderr.write(`bridle: ${storage}\n`);
      return 2;
    }
    process.stderr.write(`bridle: unexpected error (please report it)\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
