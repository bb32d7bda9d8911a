/** `bridle evolve`: run the meta-loop and print the accepted commits and the held-out table. */
import { candidateLabel } from '../store/candidates.ts';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { EvolveResult } from '../meta/evolve/index.ts';
import { DEFAULT_HELDOUT_BACKBONES, DEFAULT_TRAIN_BACKBONES, type EvolveProgress } from '../meta/evolve/options.ts';
import { percent } from '../agent/metrics.ts';
import { integerOption, listOption } from './options.ts';
import { printResult, REAL_MODELS_HINT, SIMULATED_NOTE, table } from './format.ts';

interface EvolveFlags {
  env?: string;
  data?: string;
  train?: string[];
  heldout?: string[];
  engineer?: string;
  engineerMode?: 'auto' | 'single' | 'agent';
  engineerTurns?: number;
  engineerExperiments?: number;
  proposalMaxTokens?: number;
  proposalMaxCost?: string;
  iterations?: number;
  trials?: number;
  trainTrials?: number;
  seed?: number;
  tolerance?: string;
  maxCostIncrease?: string;
  patience?: number;
  maxTokens?: number;
  maxCost?: string;
  maxMinutes?: string;
  pruning?: boolean;
  workers?: number;
  user?: string;
  base?: string;
  resume?: string;
  json?: boolean;
}

function numberOption(name: string) {
  return (value: string): string => {
    if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError(`${name} must be a number, got "${value}"`);
    return value;
  };
}

/** A status line for the run: phase, candidate and episode counts. */
function createStatus(stream: NodeJS.WriteStream = process.stderr) {
  const interactive = stream.isTTY === true;
  let line = '';
  let lastPhase = '';
  return {
    update(event: EvolveProgress) {
      if (event.type === 'phase') {
        line = `iteration ${event.iteration} · ${event.phase}${event.candidate ? ` · candidate ${candidateLabel(event.candidate)}` : ''} · ${event.detail}`;
        if (!interactive && line !== lastPhase) stream.write(`${line}\n`);
        lastPhase = line;
      } else if (event.type === 'episodes') {
        if (interactive) stream.write(`\r\x1b[2K${line} · episodes ${event.done}/${event.total}`);
        return;
      } else if (event.type === 'candidate-result') {
        const text = `  candidate ${candidateLabel(event.candidate)}: ${event.accepted ? 'ACCEPTED' : `rejected at ${event.stage}`}: ${event.reason}`;
        stream.write(interactive ? `\r\x1b[2K${text}\n` : `${text}\n`);
        return;
      } else if (event.type === 'commit') {
        const text = `  committed ${event.sha.slice(0, 10)} ${event.subject}`;
        stream.write(interactive ? `\r\x1b[2K${text}\n` : `${text}\n`);
        return;
      }
      if (interactive) stream.write(`\r\x1b[2K${line}`);
    },
    finish() {
      if (interactive) stream.write('\r\x1b[2K');
    },
  };
}

export function formatEvolveResult(result: EvolveResult): string {
  const label = (row: EvolveResult['test'][number]) => `${row.backbone}${row.simulated ? ' (simulated)' : ''}${row.heldout ? ' [held out]' : ' [train]'}`;
  const relative = (row: EvolveResult['test'][number]) => (row.before === 0 ? 'n/a' : `${row.after >= row.before ? '+' : ''}${(((row.after - row.before) / row.before) * 100).toFixed(1)}%`);
  const heldout = result.test.filter((row) => row.heldout);
  const meanBefore = heldout.reduce((sum, row) => sum + row.before, 0) / Math.max(1, heldout.length);
  const meanAfter = heldout.reduce((sum, row) => sum + row.after, 0) / Math.max(1, heldout.length);
  const lines = [
    `bridle evolve: run ${result.runId} on branch ${result.branch}`,
    `stopped: ${result.stopReason}; ${result.iterations} iterations in ${result.minutes.toFixed(1)} min; engineer ${result.engineer.id}${result.engineer.kind && result.engineer.kind !== 'heuristic' ? ` [${result.engineer.kind}]` : ''} (${result.engineer.tokens} tokens${result.engineer.costUsd ? `, $${result.engineer.costUsd.toFixed(2)}` : ''})`,
    '',
    `accepted commits (${result.commits.length}):`,
    ...(result.commits.length ? result.commits.map((commit) => `  ${commit.sha.slice(0, 10)}  ${commit.subject}`) : ['  (none)']),
    '',
    'sealed test split, empty harness → final harness:',
    table(
      ['backbone', 'empty', 'final', 'relative'],
      result.test.map((row) => [label(row), percent(row.before), percent(row.after), relative(row)]),
    ),
    '',
    `held-out mean: ${percent(meanBefore)} → ${percent(meanAfter)} (${meanBefore === 0 ? 'n/a' : `${meanAfter >= meanBefore ? '+' : ''}${(((meanAfter - meanBefore) / meanBefore) * 100).toFixed(1)}% relative`})`,
    `time per phase: ${Object.entries(result.phaseMs).map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)}s`).join(', ')}`,
  ];
  if (result.test.some((row) => row.simulated)) lines.push('', SIMULATED_NOTE, REAL_MODELS_HINT);
  lines.push('', `review: bridle review ${result.runId}    adopt: bridle adopt ${result.runId}`);
  return lines.join('\n');
}

export function evolveCommand(): Command {
  return new Command('evolve')
    .description('Run the meta-loop: mine failed train episodes, have an engineer write harness modules, check, sandbox, gate on held-out tasks and backbones, commit.')
    .option('--env <name|path>', 'environment: a name (bridle envs lists them) or the path of an environment module (required unless --resume)')
    .option('--data <dir>', 'the data folder of a peer benchmark (or data: in bridle.config.ts)')
    .option('--train <ids>', `backbones whose trajectories the engineer reads (default: ${DEFAULT_TRAIN_BACKBONES.join(',')})`, listOption)
    .option('--heldout <ids>', `backbones the gate validates on (default: ${DEFAULT_HELDOUT_BACKBONES.join(',')})`, listOption)
    .option('--engineer <id>', 'heuristic (offline, default), a backbone id (anthropic/claude-sonnet-4-5, openai/<model>), or a coding agent (claude-code/<model>, codex/<model>)')
    .addOption(new Option('--engineer-mode <mode>', 'LLM engineer: single (one answer per proposal), agent (tools over the run store, try_candidate), auto (default: agent when the budget allows)').choices(['auto', 'single', 'agent']))
    .option('--engineer-turns <n>', 'agent engineer: most model turns per proposal (default 24)', integerOption('--engineer-turns', 2))
    .option('--engineer-experiments <n>', 'agent and coding-agent engineers: most try_candidate experiments per proposal (default 4)', integerOption('--engineer-experiments', 0))
    .option('--proposal-max-tokens <n>', 'agent and coding-agent engineers: most tokens per proposal (default 400000)', integerOption('--proposal-max-tokens', 1000))
    .option('--proposal-max-cost <usd>', 'agent and coding-agent engineers: most US dollars per proposal', numberOption('--proposal-max-cost'))
    .option('--iterations <n>', 'iteration budget (default 6)', integerOption('--iterations', 1))
    .option('--trials <n>', 'trials per task on validation and test (default 3)', integerOption('--trials', 1))
    .option('--train-trials <n>', 'trials per task on train (default 3)', integerOption('--train-trials', 1))
    .option('--seed <n>', 'base seed (default 0)', integerOption('--seed', 0))
    .option('--tolerance <points>', 'largest drop a held-out backbone may take, in points (default 2)', numberOption('--tolerance'))
    .option('--max-cost-increase <share>', 'largest rise of mean tokens per validation episode a candidate may bring, as a share: 0.5 = +50% (default 0.5)', numberOption('--max-cost-increase'))
    .option('--patience <n>', 'stop after this many iterations without an accepted commit (default 3)', integerOption('--patience', 1))
    .option('--max-tokens <n>', 'engineer token budget', integerOption('--max-tokens', 1))
    .option('--max-cost <usd>', 'engineer cost budget in US dollars', numberOption('--max-cost'))
    .option('--max-minutes <m>', 'wall-time budget in minutes', numberOption('--max-minutes'))
    .option('--no-pruning', 'do not try removing modules when an iteration accepts nothing')
    .option('--pruning', 'try removing modules when an iteration accepts nothing (default)')
    .option('--workers <n>', 'worker processes (default: one per core)', integerOption('--workers', 1))
    .option('--user <id>', 'a real backbone playing the user: every evaluation runs the conversational form (environments that have one, e.g. tau2-*; or evolve.user in bridle.config.ts)')
    .option('--base <rev>', 'revision the run branch starts from (default: HEAD)')
    .option('--resume <run-id>', 'continue a run that was interrupted')
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: EvolveFlags) => {
      const status = flags.json ? null : createStatus();
      const { evolve } = await import('../meta/evolve/index.ts');
      const result = await evolve({
        ...(flags.env ? { env: flags.env } : {}),
        ...(flags.data ? { data: flags.data } : {}),
        ...(flags.train ? { train: flags.train } : {}),
        ...(flags.heldout ? { heldout: flags.heldout } : {}),
        ...(flags.engineer ? { engineer: flags.engineer } : {}),
        ...(flags.engineerMode ? { engineerMode: flags.engineerMode } : {}),
        ...(flags.engineerTurns ? { engineerTurns: flags.engineerTurns } : {}),
        ...(flags.engineerExperiments !== undefined ? { engineerExperiments: flags.engineerExperiments } : {}),
        ...(flags.proposalMaxTokens ? { proposalMaxTokens: flags.proposalMaxTokens } : {}),
        ...(flags.proposalMaxCost ? { proposalMaxCostUsd: Number(flags.proposalMaxCost) } : {}),
        ...(flags.iterations ? { iterations: flags.iterations } : {}),
        ...(flags.trials ? { trials: flags.trials } : {}),
        ...(flags.trainTrials ? { trainTrials: flags.trainTrials } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(flags.tolerance !== undefined ? { tolerancePoints: Number(flags.tolerance) } : {}),
        ...(flags.maxCostIncrease !== undefined ? { maxCostIncrease: Number(flags.maxCostIncrease) } : {}),
        ...(flags.patience ? { patience: flags.patience } : {}),
        ...(flags.maxTokens ? { maxEngineerTokens: flags.maxTokens } : {}),
        ...(flags.maxCost ? { maxCostUsd: Number(flags.maxCost) } : {}),
        ...(flags.maxMinutes ? { maxMinutes: Number(flags.maxMinutes) } : {}),
        ...(flags.pruning !== undefined ? { pruning: flags.pruning } : {}),
        ...(flags.workers ? { workers: flags.workers } : {}),
        ...(flags.user ? { user: flags.user } : {}),
        ...(flags.base ? { base: flags.base } : {}),
        ...(flags.resume ? { resume: flags.resume } : {}),
        ...(status ? { onProgress: (event: EvolveProgress) => status.update(event) } : {}),
      });
      status?.finish();
      printResult({ ...result, note: result.test.some((row) => row.simulated) ? SIMULATED_NOTE : undefined }, flags.json, formatEvolveResult);
    });
}
