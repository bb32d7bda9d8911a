/** `bridle report <run-id>`: write a run's self-contained HTML report and print its path. */
import { Command } from 'commander';
import { relative, resolve } from 'node:path';

interface ReportFlags {
  out?: string;
  json?: boolean;
}

function size(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1000))} kB`;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('Write a self-contained HTML report of a run (charts, commits with diffs, candidates, trajectory viewer); open it in any browser, offline.')
    .argument('<run-id>', 'a run under .bridle/runs/ (evolve or eval)')
    .option('--out <file>', 'where to write the HTML (default: .bridle/runs/<run-id>/report.html)')
    .option('--json', 'print machine-readable JSON')
    .action(async (runId: string, flags: ReportFlags) => {
      const { writeRunReport } = await import('../report/index.ts');
      const root = resolve(process.cwd());
      const written = await writeRunReport({ root, runId, ...(flags.out ? { out: flags.out } : {}) });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(written, null, 2)}\n`);
        return;
      }
      const shown = relative(process.cwd(), written.path);
      process.stdout.write(`${shown.startsWith('..') ? written.path : shown}\n`);
      process.stderr.write(`bridle report: ${written.kind} run ${runId}, ${size(written.bytes)}, ${written.episodes} episodes embedded\n`);
    });
}
