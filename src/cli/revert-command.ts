/** `bridle revert <commit>`: take one accepted module change back out of the current branch. */
import { printResult } from './format.ts';
import { Command } from 'commander';
import type { RevertResult } from '../review/revert.ts';

/** What `bridle revert` prints. */
export function formatRevert(result: RevertResult): string {
  const lines = [
    `reverted ${result.reverted.slice(0, 10)} as ${result.commit.slice(0, 10)}: harnesses/${result.environment} now has ${result.modules.length === 0 ? 'no modules (the empty harness)' : result.modules.join(', ')}`,
  ];
  if (result.scoresDropped) {
    lines.push(`harness.json scores dropped: these modules were never validated together (measure them: bridle eval --env ${result.environment} --split validation)`);
  }
  return lines.join('\n');
}

/** The `revert` verb, for src/cli/main.ts. */
export function revertCommand(): Command {
  return new Command('revert')
    .description('Revert one harness commit on the current branch (git revert; harness.json is merged for you).')
    .argument('<commit>', 'the harness commit to revert (any revision git accepts)')
    .option('--json', 'print machine-readable JSON')
    .action(async (rev: string, flags: { json?: boolean }) => {
      const { revertCommit } = await import('../review/revert.ts');
      const result = await revertCommit(rev);
      printResult(result, flags.json, formatRevert);
    });
}
