/** `bridle pin <env> <rev> [--as <name>]`: pin the harness at a revision for production. */
import { printResult } from './format.ts';
import { Command } from 'commander';
import type { PinRecord, PinResult } from '../store/pins.ts';
import { rate, shortDate } from '../review/text.ts';
import { labelBackboneId } from '../models/ids.ts';

/** `sim/scatter 83.3%, sim/rush 79.2% (validation, 3 trials, seed 0)` or `not validated`. */
export function pinnedScores(pin: PinRecord): string {
  const scores = pin.message?.scores;
  if (!scores || Object.keys(scores).length === 0) return 'not validated';
  const measured = pin.message?.measured;
  const how = measured ? ` (${measured.split}, ${measured.trials} trial${measured.trials === 1 ? '' : 's'}, seed ${measured.seed})` : '';
  return `${Object.entries(scores).map(([backbone, value]) => `${labelBackboneId(backbone)} ${rate(value)}`).join(', ')}${how}`;
}

/** What `bridle pin` prints. */
export function formatPin(result: PinResult): string {
  const { pin } = result;
  const where = `${pin.environment}/${pin.name}`;
  if (result.unchanged) return `${where} already pins ${pin.target.slice(0, 10)} (tag ${pin.tag}): nothing to do`;
  const modules = pin.message?.modules ?? [];
  const lines = [
    `pinned ${where} at ${pin.target.slice(0, 10)} (annotated tag ${pin.tag}): ${modules.length} module${modules.length === 1 ? '' : 's'}, content hash ${pin.message?.contentHash.slice(0, 16)}…`,
    `held-out: ${pinnedScores(pin)}`,
  ];
  if (result.archived) {
    lines.push(`previous position ${result.archived.target.slice(0, 10)} (pinned ${shortDate(result.archived.pinnedAt)} UTC) archived as ${result.archived.tag}`);
  }
  lines.push(`share it: git push origin 'refs/tags/bridle/${pin.environment}/*'    load it: loadHarness({ env: '${pin.environment}', pin: '${pin.name}' })`);
  return lines.join('\n');
}

/** The `pin` verb, for src/cli/main.ts. */
export function pinCommand(): Command {
  return new Command('pin')
    .description('Pin the harness of an environment at a revision: an annotated tag bridle/<env>/<name> holding its content hash and validated scores.')
    .argument('<env>', 'environment, e.g. retail')
    .argument('<rev>', 'any revision git accepts, e.g. HEAD or a sha')
    .option('--as <name>', 'pin name (default: production)')
    .option('--json', 'print machine-readable JSON')
    .action(async (environment: string, rev: string, flags: { as?: string; json?: boolean }) => {
      const { pinHarness } = await import('../store/pins.ts');
      const result = await pinHarness({ environment, rev, ...(flags.as === undefined ? {} : { name: flags.as }) });
      printResult(result, flags.json, formatPin);
    });
}
