/** `bridle eval`: score a harness on an environment's tasks with one or more backbones. */
import { Command, Option } from 'commander';
import { relative } from 'node:path';
import { DEFAULT_SIM_IDS } from '../models/sim/index.ts';
import { percent } from '../agent/metrics.ts';
import { createProgress, type Progress } from './progress.ts';
import { choiceOption, integerOption, listOption } from './options.ts';
import { REAL_MODELS_HINT, SIMULATED_NOTE, summaryTable } from './format.ts';
import type { LaneStats } from '../models/shared/scheduler.ts';

interface EvalFlags {
  env?: string;
  data?: string;
  backbone?: string[];
  split?: 'train' | 'validation' | 'test';
  tasks?: string[];
  trials?: number;
  seed?: number;
  harness?: string;
  workers?: number;
  runner: 'isolate' | 'in-process';
  maxSteps?: number;
  user?: string;
  json?: boolean;
  cache: boolean;
  baseUrl?: string;
  record: boolean;
}

/** One backbone's model calls: how many, how parallel, what slowed them down. */
function callsLine(lane: LaneStats): string {
  const slowed = lane.rateLimited + lane.overloaded;
  const parts = [`${lane.granted} calls`, `at most ${lane.peak} in flight (limit ${lane.maxConcurrency})`];
  if (slowed > 0) parts.push(`${lane.rateLimited} rate-limited and ${lane.overloaded} overloaded answers, each retried`);
  if (lane.endpointFailures > 0) parts.push(`${lane.endpointFailures} endpoint failures`);
  if (lane.endpoints.length > 1) parts.push(lane.endpoints.map((endpoint) => `${endpoint.url}: ${endpoint.calls} calls${endpoint.failures ? `, ${endpoint.failures} failed` : ''}`).join('; '));
  return `calls ${lane.backbone}: ${parts.join(', ')}`;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('Score a harness on an environment\'s tasks with one or more backbones (offline default: simulated backbones).')
    .option('--env <name|path>', 'environment: a name (bridle envs lists them) or the path of an environment module (or eval.env in bridle.config.ts)')
    .option('--data <dir>', 'the data folder of a peer benchmark (or data: in bridle.config.ts)')
    .option('--backbone <ids>', `comma-separated backbone ids (default: ${DEFAULT_SIM_IDS.join(',')})`, listOption)
    .option('--split <split>', 'task split: train, validation or test (default test)', choiceOption('--split', ['train', 'validation', 'test'] as const))
    .option('--tasks <ids>', 'comma-separated task ids instead of a split', listOption)
    .option('--trials <n>', 'trials per task (default 3)', integerOption('--trials', 1))
    .option('--seed <n>', 'base seed (default 0)', integerOption('--seed', 0))
    .option('--harness <dir|none>', 'harness folder, or "none" for the raw model (default: harnesses/<env> if present, else none)')
    .option('--workers <n>', 'worker processes (default: one per core)', integerOption('--workers', 1))
    .addOption(new Option('--runner <runner>', 'where harness hooks run').choices(['isolate', 'in-process']).default('isolate'))
    .option('--max-steps <n>', 'step budget per episode (default: the environment\'s)', integerOption('--max-steps', 1))
    .option('--user <id>', 'a real backbone playing the user: the conversational form of environments that have one, e.g. tau2-* (or eval.user in bridle.config.ts)')
    .option('--base-url <url>', 'base URL for a real backbone\'s server')
    .option('--no-cache', 'bypass the model response cache')
    .option('--no-record', 'do not write the run to .bridle/runs')
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: EvalFlags) => {
      let progress: Progress | null = null;
      const { evaluate } = await import('../api/evaluate.ts');
      const result = await evaluate({
        ...(flags.env ? { env: flags.env } : {}),
        ...(flags.data ? { data: flags.data } : {}),
        ...(flags.backbone ? { backbones: flags.backbone } : {}),
        ...(flags.split ? { split: flags.split } : {}),
        ...(flags.tasks ? { tasks: flags.tasks } : {}),
        ...(flags.trials ? { trials: flags.trials } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(flags.harness ? { harness: flags.harness } : {}),
        ...(flags.workers ? { workers: flags.workers } : {}),
        runner: flags.runner,
        ...(flags.maxSteps ? { maxSteps: flags.maxSteps } : {}),
        ...(flags.user ? { user: flags.user } : {}),
        record: flags.record,
        backboneOptions: { noCache: !flags.cache, ...(flags.baseUrl ? { baseURL: flags.baseUrl } : {}) },
        onProgress: ({ done, total, trajectory }) => {
          if (flags.json) return;
          progress ??= createProgress(`eval ${trajectory.environment}`, total);
          const label = `${trajectory.backbone.id}${trajectory.backbone.simulated ? ' (simulated)' : ''}`;
          progress.update(done, `${label} ${trajectory.taskId} ${trajectory.success ? 'pass' : 'fail'}`);
        },
      });
      (progress as Progress | null)?.finish();
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify(
            {
              runId: result.runId,
              environment: result.environment,
              split: result.split,
              trials: result.trials,
              seed: result.seed,
              harness: result.harness,
              ...(result.user ? { user: result.user } : {}),
              simulated: result.simulated,
              note: result.simulated ? SIMULATED_NOTE : undefined,
              spend: result.spend,
              budgetStop: result.budgetStop,
              backbones: result.summaries,
              calls: result.calls,
              directory: result.directory,
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const harness = result.harness.modules.length === 0 ? 'none (raw model)' : `${result.harness.label} (${result.harness.modules.length} modules)`;
      const lines = [
        `bridle eval: ${result.environment}, ${result.split} split, ${result.summaries[0]?.tasks ?? 0} tasks x ${result.trials} trials, seed ${result.seed}, harness: ${harness}${result.user ? `, conversation with ${result.user} as the user` : ''}`,
        '',
        summaryTable(result.summaries),
        '',
      ];
      if (result.summaries.some((summary) => summary.simulated)) lines.push(SIMULATED_NOTE, REAL_MODELS_HINT);
      const overall = result.summaries.reduce((sum, summary) => sum + summary.successRate, 0) / Math.max(1, result.summaries.length);
      lines.push(`mean success over backbones: ${percent(overall)}`);
      if (result.spend.tokens > 0) lines.push(`spent: ${result.spend.tokens} tokens${result.spend.unknownCost ? ' (cost unknown: set prices in bridle.config.ts)' : `, $${result.spend.costUsd.toFixed(4)}`}`);
      for (const lane of result.calls) lines.push(callsLine(lane));
      if (result.budgetStop) lines.push(`BUDGET STOP: ${result.budgetStop}`);
      if (result.directory) lines.push(`trajectories: ${relative(process.cwd(), result.directory) || '.'}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
