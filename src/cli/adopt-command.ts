/** `bridle adopt <run-id>`: bring a run's accepted commits onto the current branch. */
import { printResult } from './format.ts';
import { Command } from 'commander';
import type { AdoptResult } from '../review/adopt.ts';

/** What `bridle adopt` prints. */
export function formatAdopt(result: AdoptResult): string {
  const onto = result.target ?? 'the detached HEAD';
  const count = `${result.commits.length} commit${result.commits.length === 1 ? '' : 's'}`;
  if (result.kind === 'already') return `run ${result.runId} is already adopted: its ${count} are on ${onto} (nothing to do)`;
  const how = result.kind === 'fast-forward' ? 'by fast-forward' : `with merge commit ${result.to.slice(0, 10)}`;
  return [
    `adopted run ${result.runId} onto ${onto} ${how}: ${result.from.slice(0, 10)} → ${result.to.slice(0, 10)} (${count} from ${result.branch})`,
    `pin it for production: bridle pin ${result.environment} HEAD`,
  ].join('\n');
}

/** The `adopt` verb, for src/cli/main.ts. */
export function adoptCommand(): Command {
  return new Command('adopt')
    .description('Bring an evolve run\'s accepted commits onto the current branch (fast-forward, or a merge commit when the branch moved).')
    .argument('<run-id>', 'the run to adopt ("bridle review" lists them)')
    .option('--json', 'print machine-readable JSON')
    .action(async (runId: string, flags: { json?: boolean }) => {
      const { adoptRun } = await import('../review/adopt.ts');
      const result = await adoptRun(runId);
      printResult(result, flags.json, formatAdopt);
    });
}
