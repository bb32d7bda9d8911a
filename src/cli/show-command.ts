/** `bridle show <commit>`: a harness commit's diff, its held-out score table and one episode it fixed. */
import { candidateLabel } from '../store/candidates.ts';
import { printResult } from './format.ts';
import { Command } from 'commander';
import { formatSideBySide, SIDE_BY_SIDE_WIDTH } from '../review/side-by-side.ts';
import type { ShownCommit } from '../review/show.ts';
import { shortDate } from '../review/text.ts';

/** Everything `bridle show` prints, in reading order. */
export function formatShow(shown: ShownCommit): string {
  const { info } = shown;
  const lines = [
    `commit ${shown.sha}`,
    `${shown.subject}`,
    `run ${info.runId} · candidate ${candidateLabel(info.candidate)} · engineer ${info.engineer} · ${shortDate(shown.date)} UTC`,
    `failure group: ${info.group.title} (${info.group.signature})`,
  ];
  if (info.summary !== '') lines.push(`change: ${info.summary.replace(/\s+/g, ' ')}`);
  lines.push('', shown.table, '');
  lines.push(`Diff of ${shown.harnessPath}/ (${shown.parent ? `${shown.parent.slice(0, 10)} → ${shown.sha.slice(0, 10)}` : 'root commit'}):`);
  lines.push(shown.stat, '', shown.diff, '');
  if (shown.fixed) {
    const { fixed } = shown;
    lines.push(
      `One validation episode this change fixed (${fixed.fixed} fixed, ${fixed.broken} broken by it; from ${fixed.source}):`,
      formatSideBySide(fixed.before, fixed.after, SIDE_BY_SIDE_WIDTH),
    );
  } else {
    lines.push(`No fixed trajectory available: ${shown.unavailable}.`);
  }
  return lines.join('\n');
}

/** The `show` verb, for src/cli/main.ts. */
export function showCommand(): Command {
  return new Command('show')
    .description('Show a harness commit: the diff of the harness modules, the held-out score table, and one episode it fixed, before and after.')
    .argument('<commit>', 'any revision git accepts: a sha prefix, bridle/retail/<run-id>~1, a tag')
    .option('--json', 'print machine-readable JSON (the fixed episode as full trajectories)')
    .action(async (rev: string, flags: { json?: boolean }) => {
      const { showCommit } = await import('../review/show.ts');
      const shown = await showCommit(rev);
      printResult(shown, flags.json, formatShow);
    });
}
