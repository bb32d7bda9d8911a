/**
 * Coding agents as engineers (Claude Code, Codex): the agent works in a scratch copy of the candidate
 * harness folder, with the run store exported read-only as files in a sibling folder, and its edits to
 * the scratch folder are the proposal. The proposal then goes through the same check, replay, screen,
 * activation and gate as any other; the gate is not visible to the agent.
 *
 * This module owns what every coding agent shares: the scratch and store folders, the task prompt
 * (versioned, `prompt-coding-v<N>.md`), collecting the edits, checking that the store was not written,
 * the experiment tool over the scratch folder, and the spend. Each agent (claude-code.ts, codex.ts)
 * only runs its SDK inside those folders, with its permissions pinned.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BridleError } from '../../../errors.ts';
import { harnessManifestSchema, HARNESS_MANIFEST, type HarnessFile } from '../../../store/harness-files.ts';
import { exportRunStore } from '../../store/export.ts';
import type { Engineer, EngineerRequest, EngineerUsage, ExperimentReport, Proposal } from '../../types.ts';
import type { EngineerFailure } from '../llm/llm-engineer.ts';
import { fileNameProblem, sourceProblem, summaryOf } from '../llm/parse.ts';
import { fillSection, loadSectionedPrompt, renderGroup } from '../llm/prompt.ts';
import { LLM_ENGINEER_DEFAULT_MAX_FILE_CHARS, LLM_ENGINEER_DEFAULT_MAX_FILES } from '../llm/llm-engineer.ts';

export const CODING_PROMPT_VERSION = 1;
const SECTIONS = ['task', 'experiment', 'no-experiment', 'repair'] as const;

/** The folders one proposal works in. */
export interface CodingWorkspace {
  /** The temporary root holding the others (removed afterwards). */
  root: string;
  /** The scratch copy of the harness folder: the agent's working directory, the only writable place. */
  scratch: string;
  /** The run store as files, read-only. */
  store: string;
  /** A private home for the agent's own state when the caller asks for one. */
  home: string;
}

/** What one agent run came to. */
export interface CodingAgentResult {
  /** The agent's last message (a `Summary:` line is read from it). */
  finalText: string;
  inputTokens: number;
  outputTokens: number;
  /** Model turns. */
  calls: number;
  toolCalls: number;
  /** US dollars, only when a price is configured for the model. */
  costUsd?: number;
  /** Set when the run failed or was stopped (budget, turn limit, SDK error). */
  error?: string;
}

/** One run of a coding agent in a workspace. */
export type CodingAgentRunner = (input: {
  prompt: string;
  workspace: CodingWorkspace;
  /** The experiment tool over the scratch folder; undefined when the proposal has none. */
  tryCandidate?: () => Promise<string>;
  /** Experiments allowed (for the tool's description). */
  maxExperiments: number;
}) => Promise<CodingAgentResult>;

export interface CodingAgentEngineerOptions {
  /** `claude-code/<model>` or `codex/<model>`. */
  id: string;
  model: string;
  run: CodingAgentRunner;
  /** Whether the agent gets the try_candidate tool (it needs an in-process tool channel). */
  experiments: boolean;
  onFailure?: (failure: EngineerFailure) => void;
  /** Where workspaces are made (default the OS temp folder). */
  temporaryRoot?: string;
  maxFiles?: number;
}

function hashFolder(folder: string): string {
  const hash = createHash('sha256');
  const walk = (directory: string): void => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      const stat = statSync(path);
      hash.update(`${relative(folder, path)}\0${stat.isDirectory() ? 'd' : 'f'}\0`);
      if (stat.isDirectory()) walk(path);
      else hash.update(readFileSync(path));
    }
  };
  walk(folder);
  return hash.digest('hex');
}

/** The change the agent made: module files written or changed, removed, and the new order when harness.json changed. */
export function collectEdits(scratch: string, head: readonly HarnessFile[], limits: { maxFiles: number; maxFileChars: number }): { files: HarnessFile[]; remove: string[]; order?: string[]; problems: string[] } {
  const problems: string[] = [];
  const before = new Map(head.map((file) => [file.file, file.source]));
  const files: HarnessFile[] = [];
  const present = new Set<string>();
  for (const name of readdirSync(scratch).sort()) {
    // Hidden entries are the agents' own (Codex's sandbox mounts placeholders such as .agents/ and .codex/).
    if (name.startsWith('.')) continue;
    const path = join(scratch, name);
    if (statSync(path).isDirectory()) {
      problems.push(`${name}/: modules live at the top of the folder, no subfolders`);
      continue;
    }
    if (!name.endsWith('.ts')) continue;
    const problem = fileNameProblem(name);
    if (problem) {
      problems.push(problem);
      continue;
    }
    present.add(name);
    const source = readFileSync(path, 'utf8');
    if (before.get(name) === source) continue;
    const sourceIssue = sourceProblem(name, source, limits);
    if (sourceIssue) problems.push(sourceIssue);
    else files.push({ file: name, source });
  }
  const remove = [...before.keys()].filter((file) => !present.has(file));
  if (files.length > limits.maxFiles) problems.push(`${files.length} changed files (${files.map((file) => file.file).join(', ')}): at most ${limits.maxFiles}`);
  const result: { files: HarnessFile[]; remove: string[]; order?: string[]; problems: string[] } = { files, remove, problems };
  const manifestPath = join(scratch, HARNESS_MANIFEST);
  if (existsSync(manifestPath)) {
    try {
      const manifest = harnessManifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
      const headOrder = head.map((file) => file.file);
      if (JSON.stringify(manifest.modules) !== JSON.stringify(headOrder)) result.order = manifest.modules.filter((file) => present.has(file));
    } catch (error) {
      problems.push(`${HARNESS_MANIFEST} is not a valid manifest: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return result;
}

/** A coding agent as an engineer. */
export function createCodingAgentEngineer(options: CodingAgentEngineerOptions): Engineer & { close(): Promise<void> } {
  const template = loadSectionedPrompt('prompt-coding', CODING_PROMPT_VERSION, SECTIONS, import.meta.url);
  const limits = { maxFiles: options.maxFiles ?? LLM_ENGINEER_DEFAULT_MAX_FILES, maxFileChars: LLM_ENGINEER_DEFAULT_MAX_FILE_CHARS };
  const sessions = new WeakMap<Proposal, CodingWorkspace>();
  const open = new Set<CodingWorkspace>();

  const cleanup = (workspace: CodingWorkspace): void => {
    rmSync(workspace.root, { recursive: true, force: true });
    open.delete(workspace);
  };

  const prepare = (request: EngineerRequest): CodingWorkspace => {
    const workbench = request.workbench;
    if (!workbench) throw new BridleError('INTERNAL', `${options.id}: a coding-agent engineer needs the run store`);
    const root = mkdtempSync(join(options.temporaryRoot ?? tmpdir(), 'bridle-engineer-'));
    const workspace: CodingWorkspace = { root, scratch: join(root, 'harness'), store: join(root, 'run-store'), home: join(root, 'home') };
    open.add(workspace);
    mkdirSync(workspace.scratch);
    mkdirSync(workspace.home);
    for (const file of request.modules) writeFileSync(join(workspace.scratch, file.file), file.source);
    writeFileSync(join(workspace.scratch, HARNESS_MANIFEST), `${JSON.stringify({ apiVersion: 1, environment: request.environment.name, modules: request.modules.map((file) => file.file) }, null, 2)}\n`);
    exportRunStore(workbench.store, workspace.store);
    return workspace;
  };

  const run = async (stage: 'propose' | 'repair', request: EngineerRequest, workspace: CodingWorkspace, prompt: string): Promise<Proposal | null> => {
    const workbench = request.workbench!;
    const experimentsBefore = workbench.experiments();
    const storeHash = hashFolder(workspace.store);
    const fail = (reason: string, usage: EngineerUsage, problems: string[] = []): null => {
      options.onFailure?.({ engineer: options.id, stage, signature: request.group.signature, reason, problems, usage });
      return null;
    };
    const tryCandidate = options.experiments && workbench.maxExperiments > 0
      ? async (): Promise<string> => {
          const edits = collectEdits(workspace.scratch, request.modules, limits);
          if (edits.problems.length > 0) return JSON.stringify({ stage: 'check', ok: false, message: 'the scratch folder is not a harness', diagnostics: edits.problems });
          const report: ExperimentReport = await workbench.tryCandidate({ files: edits.files, remove: edits.remove, ...(edits.order ? { order: edits.order } : {}) });
          return JSON.stringify(report, null, 1);
        }
      : undefined;
    const result = await options.run({ prompt, workspace, ...(tryCandidate ? { tryCandidate } : {}), maxExperiments: workbench.maxExperiments });
    const usage: EngineerUsage = {
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      calls: result.calls,
      toolCalls: result.toolCalls,
      experiments: workbench.experiments() - experimentsBefore,
      ...(result.costUsd === undefined ? {} : { costUsd: result.costUsd }),
    };
    if (hashFolder(workspace.store) !== storeHash) return fail('the agent changed the read-only run store: the proposal is discarded', usage);
    if (result.error) return fail(result.error, usage);
    const edits = collectEdits(workspace.scratch, request.modules, limits);
    if (edits.problems.length > 0) return fail(`the scratch folder is not a harness: ${edits.problems[0]}`, usage, edits.problems);
    if (edits.files.length === 0 && edits.remove.length === 0) return fail('the agent changed no module', usage);
    const proposal: Proposal = {
      files: edits.files,
      remove: edits.remove,
      ...(edits.order ? { order: edits.order } : {}),
      summary: summaryOf(result.finalText) ?? `${options.id}: ${[...edits.files.map((file) => file.file), ...edits.remove.map((file) => `remove ${file}`)].join(', ')}`,
      usage,
    };
    sessions.set(proposal, workspace);
    return proposal;
  };

  return {
    id: options.id,
    kind: 'coding-agent',
    model: options.model,
    async propose(request) {
      // One proposal's folders at a time: the previous one is done (its repair turns are over).
      for (const workspace of [...open]) cleanup(workspace);
      const workspace = prepare(request);
      const experiments = options.experiments && (request.workbench?.maxExperiments ?? 0) > 0;
      const rejected = request.rejected.length === 0
        ? 'This is the first attempt at this group.'
        : `Earlier attempts at this group were rejected (${request.rejected.map((attempt) => `attempt ${attempt.attempt}: ${attempt.reason.replace(/\s+/g, ' ').slice(0, 160)}`).join('; ')}); the store's candidates/ folder has them. Do something different.`;
      const prompt = fillSection(template, 'task', {
        VERSION: template.version,
        ENVIRONMENT: request.environment.name,
        STORE: workspace.store,
        EXPERIMENT: experiments ? fillSection(template, 'experiment', { MAX_EXPERIMENTS: request.workbench?.maxExperiments ?? 0 }) : fillSection(template, 'no-experiment'),
        GROUP: renderGroup(request.group),
        REJECTED: rejected,
        MAX_FILES: limits.maxFiles,
      });
      return run('propose', request, workspace, prompt);
    },
    async repair(request, proposal, diagnostics) {
      const workspace = sessions.get(proposal);
      if (!workspace || !existsSync(workspace.scratch)) return null;
      const prompt = fillSection(template, 'repair', { DIAGNOSTICS: diagnostics.map((diagnostic) => `- ${diagnostic}`).join('\n') || '(no diagnostics were given)' });
      const repaired = await run('repair', request, workspace, prompt);
      if (repaired) sessions.set(repaired, workspace);
      return repaired;
    },
    async close() {
      for (const workspace of [...open]) cleanup(workspace);
    },
  };
}
