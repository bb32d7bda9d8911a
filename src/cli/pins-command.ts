/** `bridle pins [env] [name]`: the pins, their earlier positions with dates, and whether each still checks out. */
import { Command } from 'commander';
import { resolve } from 'node:path';
import type { PinRecord } from '../store/pins.ts';
import { shortDate } from '../review/text.ts';
import { pinnedScores } from './pin-command.ts';
import { table, printResult } from './format.ts';

/** A pin with the outcome of its check. */
export interface CheckedPin extends PinRecord {
  /** Undefined when the pin checks out; else the one-line problem. */
  problem: string | undefined;
}

/** What `bridle pins` prints: one row per position, then each failed check in one line. */
export function formatPins(pins: readonly CheckedPin[]): string {
  if (pins.length === 0) return 'no pins yet: make one with "bridle pin <env> <rev>" (e.g. bridle pin retail HEAD)';
  const rows = pins.map((pin) => [
    `${pin.environment}/${pin.name}`,
    pin.archive === undefined ? 'current' : `@${pin.archive}`,
    pin.target.slice(0, 10),
    shortDate(pin.message?.commitDate),
    shortDate(pin.pinnedAt),
    pin.message ? pin.message.contentHash.slice(0, 12) : '—',
    pin.problem === undefined ? 'ok' : 'TAMPERED',
    pinnedScores(pin),
  ]);
  const lines = [table(['pin', 'position', 'commit', 'committed (UTC)', 'pinned (UTC)', 'content', 'check', 'held-out'], rows)];
  for (const pin of pins.filter((candidate) => candidate.problem !== undefined)) lines.push(`${pin.tag}: ${pin.problem}`);
  return lines.join('\n');
}

/** The `pins` verb, for src/cli/main.ts. */
export function pinsCommand(): Command {
  return new Command('pins')
    .description('List the pins and their earlier positions with dates, checking each against the harness it points at.')
    .argument('[env]', 'only this environment')
    .argument('[name]', 'only this pin (and its history)')
    .option('--json', 'print machine-readable JSON')
    .action(async (environment: string | undefined, name: string | undefined, flags: { json?: boolean }) => {
      const [{ openRepository }, { checkPin, listPins, readPin }] = await Promise.all([import('../store/git/repository.ts'), import('../store/pins.ts')]);
      const root = resolve(process.cwd());
      const repository = await openRepository(root);
      // Naming a pin that does not exist is an error (UNKNOWN_PIN lists the environment's pins).
      if (environment !== undefined && name !== undefined) await readPin(repository, environment, name);
      const pins = (await listPins(root, environment)).filter((pin) => name === undefined || pin.name === name);
      const checked: CheckedPin[] = [];
      for (const pin of pins) {
        const check = await checkPin(repository, pin);
        checked.push({ ...pin, problem: check.ok ? undefined : check.problem });
      }
      printResult(checked, flags.json, formatPins);
    });
}
