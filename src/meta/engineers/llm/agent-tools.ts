/**
 * The agentic engineer's tools: read-only views over the run store, `try_candidate`, and `submit`. Each
 * call is answered with text (JSON for data) that goes back to the model as the tool result. A refused
 * call (a validation or test episode, an unknown id, a bad argument, no experiments left) is an answer
 * too, marked as refused: the conversation goes on, and the refusal is what the model learns.
 */
import type { ToolSchema } from '../../../harness/api.ts';
import { BridleError } from '../../../errors.ts';
import type { HarnessFile } from '../../../store/harness-files.ts';
import type { EngineerWorkbench, ExperimentReport } from '../../types.ts';
import type { TrajectoryFilter } from '../../store/run-store.ts';
import { fileNameProblem, MODULE_FILE_PATTERN, sourceProblem } from './parse.ts';

/** Most characters of one tool result; longer ones are cut with a note saying how to narrow the read. */
export const AGENT_TOOL_RESULT_CHARS = 24_000;

function tool(name: string, description: string, properties: ToolSchema['parameters']['properties'] = {}, required: string[] = [], readOnly = true): ToolSchema {
  return { name, description, parameters: { type: 'object', properties, required }, readOnly };
}

const FILTER_PROPERTIES: ToolSchema['parameters']['properties'] = {
  source: { type: 'string', description: 'Whose episodes: "head" (default: HEAD on the train tasks), "experiment-N" (the train screen of your Nth try_candidate), or a train evaluation named by list_trajectories.' },
  group: { type: 'string', description: 'Only episodes carrying this failure signature (from list_failure_groups).' },
  backbone: { type: 'string', description: 'Only this backbone id.' },
  task: { type: 'string', description: 'Only this task id.' },
  outcome: { type: 'string', enum: ['success', 'failure'], description: 'Only successes or only failures.' },
  split: { type: 'string', description: 'Only "train" is visible; any other split is refused.' },
  offset: { type: 'integer', minimum: 0, description: 'Rows to skip (paging).' },
  limit: { type: 'integer', minimum: 1, maximum: 200, description: 'Most rows (default 50; grep default 30).' },
};

const FILES_PROPERTY = {
  type: 'array' as const,
  description: 'The module files to add or replace, each with its complete source (never a diff or an excerpt).',
  items: {
    type: 'object' as const,
    properties: {
      file: { type: 'string' as const, description: 'kebab-case file name ending in .ts, no folders.', pattern: MODULE_FILE_PATTERN.source },
      source: { type: 'string' as const, description: 'The complete source of the module.' },
    },
    required: ['file', 'source'],
  },
};
const REMOVE_PROPERTY = { type: 'array' as const, description: 'Existing module files to delete.', items: { type: 'string' as const } };

export const AGENT_TOOLS = {
  groups: tool('list_failure_groups', 'The failure groups of HEAD on the train tasks, largest first: signature, kind, title, tasks sunk, failed episodes, evidence.'),
  list: tool('list_trajectories', 'List train episodes (id, task, backbone, outcome, end, steps, failure signatures), filtered and paged. Also names the trajectory sources.', FILTER_PROPERTIES),
  read: tool(
    'read_trajectory',
    'Read one train episode by id: "compressed" (default: one line per decisive step) or "raw" (every field of the steps from..to, text clipped).',
    {
      id: { type: 'string', description: 'A trajectory id such as "head/12".' },
      format: { type: 'string', enum: ['compressed', 'raw'] },
      from: { type: 'integer', minimum: 0, description: 'First step (raw).' },
      to: { type: 'integer', minimum: 0, description: 'Last step, inclusive (raw).' },
    },
    ['id'],
  ),
  grep: tool(
    'grep_trajectories',
    'Search the text of train episodes (model outputs, actions, errors, feedback, failed checks): case-insensitive substring, or a regular expression with regex: true. Same filters as list_trajectories.',
    { pattern: { type: 'string', description: 'What to find.' }, regex: { type: 'boolean' }, ...FILTER_PROPERTIES },
    ['pattern'],
  ),
  candidates: tool('list_candidates', 'Every earlier candidate of this run: group, summary, outcome (accepted or the stage that rejected it), reason, modules, train scores, the gate\'s aggregate verdict.'),
  candidate: tool('read_candidate', 'One earlier candidate in full: its module files, the diff against its HEAD, check diagnostics, scores and reason.', { candidate: { type: 'integer', minimum: 1, description: 'Its number.' } }, ['candidate']),
  modules: tool('read_modules', 'The current harness (HEAD of the run branch): every module file in fold order, in full.'),
  api: tool('read_harness_api', 'The harness API source (bridle/harness): the only import a module may use.'),
  environment: tool('read_environment', 'The environment\'s public description, written rules (view.rules) and tool schemas (view.tools).'),
  tryCandidate: tool(
    'try_candidate',
    'Experiment: apply a draft to HEAD, type-check and lint it, replay the correct train actions through it, and measure it on the train tasks against HEAD. Returns the diagnostics or the train scores (never validation or test). Limited per proposal.',
    { files: FILES_PROPERTY, remove: REMOVE_PROPERTY },
    ['files'],
    false,
  ),
  submit: tool(
    'submit',
    'Submit the change: it then goes through the checks, the replay, the train screen and the held-out gate. Ends your work on this proposal.',
    { summary: { type: 'string', description: 'One line: what the change does and which failure it addresses.' }, files: FILES_PROPERTY, remove: REMOVE_PROPERTY },
    ['summary', 'files'],
    false,
  ),
} as const;

/** Every tool, in the order the model is offered them. */
export const AGENT_TOOL_LIST: readonly ToolSchema[] = Object.values(AGENT_TOOLS);

/** A submission the engineer made. */
export interface Submission {
  summary: string;
  files: HarnessFile[];
  remove: string[];
}

/** What a tool call came to. */
export type ToolAnswer =
  | { kind: 'result'; content: string; refused: boolean; experiment?: ExperimentReport }
  | { kind: 'submit'; submission: Submission; content: string };

/** Limits on submitted files. */
export interface SubmitLimits {
  maxFiles: number;
  maxFileChars: number;
}

function render(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 1);
  if (text.length <= AGENT_TOOL_RESULT_CHARS) return text;
  return `${text.slice(0, AGENT_TOOL_RESULT_CHARS)}\n… (${text.length - AGENT_TOOL_RESULT_CHARS} more characters cut: narrow the read with filters, limit, a step range or the compressed format)`;
}

function stringArg(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  return typeof value === 'string' ? value : undefined;
}

function integerArg(args: Record<string, unknown>, name: string): number | undefined {
  const value = args[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new BridleError('INVALID_ARGUMENT', `"${name}" must be an integer`);
  return value;
}

function filterOf(args: Record<string, unknown>): TrajectoryFilter {
  const filter: TrajectoryFilter = {};
  for (const key of ['source', 'group', 'backbone', 'task', 'split'] as const) {
    const value = stringArg(args, key);
    if (value !== undefined) filter[key] = value;
  }
  const outcome = stringArg(args, 'outcome');
  if (outcome !== undefined) {
    if (outcome !== 'success' && outcome !== 'failure') throw new BridleError('INVALID_ARGUMENT', '"outcome" is "success" or "failure"');
    filter.outcome = outcome;
  }
  const offset = integerArg(args, 'offset');
  const limit = integerArg(args, 'limit');
  if (offset !== undefined) filter.offset = offset;
  if (limit !== undefined) filter.limit = limit;
  return filter;
}

/** The files and removals of a try_candidate or submit call, validated; throws INVALID_ARGUMENT naming every problem. */
export function draftOf(args: Record<string, unknown>, limits: SubmitLimits, existing: ReadonlySet<string>): { files: HarnessFile[]; remove: string[] } {
  const problems: string[] = [];
  const files: HarnessFile[] = [];
  const rawFiles = args.files ?? [];
  if (!Array.isArray(rawFiles)) problems.push('"files" must be an array of { file, source }');
  else {
    rawFiles.forEach((entry: unknown, index) => {
      const record = (entry ?? {}) as { file?: unknown; source?: unknown };
      if (typeof record.file !== 'string' || typeof record.source !== 'string') {
        problems.push(`files[${index}] needs "file" and "source" strings`);
        return;
      }
      const problem = fileNameProblem(record.file) ?? sourceProblem(record.file, record.source, limits);
      if (problem) problems.push(problem);
      else files.push({ file: record.file, source: record.source.endsWith('\n') ? record.source : `${record.source}\n` });
    });
  }
  const rawRemove = args.remove ?? [];
  const remove: string[] = [];
  if (!Array.isArray(rawRemove) || rawRemove.some((file) => typeof file !== 'string')) problems.push('"remove" must be an array of file names');
  else {
    for (const file of rawRemove as string[]) {
      if (!existing.has(file)) problems.push(`remove: there is no module "${file}" (the modules are ${existing.size > 0 ? [...existing].join(', ') : 'none'})`);
      else remove.push(file);
    }
  }
  const names = files.map((file) => file.file);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) problems.push(`${duplicate} appears twice`);
  if (files.length > limits.maxFiles) problems.push(`${files.length} files: at most ${limits.maxFiles}`);
  if (problems.length === 0 && files.length === 0 && remove.length === 0) problems.push('the draft changes nothing');
  if (problems.length > 0) throw new BridleError('INVALID_ARGUMENT', problems.join('; '));
  return { files, remove };
}

/** Answer one tool call. Only internal errors throw; everything the engineer did wrong is a refused result. */
export async function answerToolCall(workbench: EngineerWorkbench, name: string, args: Record<string, unknown>, limits: SubmitLimits): Promise<ToolAnswer> {
  const { store } = workbench;
  const existing = new Set(store.modules().map((module) => module.file));
  try {
    switch (name) {
      case AGENT_TOOLS.groups.name:
        return { kind: 'result', refused: false, content: render(store.groups()) };
      case AGENT_TOOLS.list.name:
        return { kind: 'result', refused: false, content: render({ ...store.listTrajectories(filterOf(args)), sources: store.sources() }) };
      case AGENT_TOOLS.read.name: {
        const id = stringArg(args, 'id');
        if (id === undefined) throw new BridleError('INVALID_ARGUMENT', '"id" is required');
        const format = stringArg(args, 'format') ?? 'compressed';
        if (format !== 'compressed' && format !== 'raw') throw new BridleError('INVALID_ARGUMENT', '"format" is "compressed" or "raw"');
        const from = integerArg(args, 'from');
        const to = integerArg(args, 'to');
        return { kind: 'result', refused: false, content: render(store.readTrajectory(id, { format, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) })) };
      }
      case AGENT_TOOLS.grep.name: {
        const pattern = stringArg(args, 'pattern');
        if (pattern === undefined) throw new BridleError('INVALID_ARGUMENT', '"pattern" is required');
        return { kind: 'result', refused: false, content: render(store.grep(pattern, { ...filterOf(args), ...(args.regex === true ? { regex: true } : {}) })) };
      }
      case AGENT_TOOLS.candidates.name:
        return { kind: 'result', refused: false, content: render(store.listCandidates()) };
      case AGENT_TOOLS.candidate.name: {
        const candidate = integerArg(args, 'candidate');
        if (candidate === undefined) throw new BridleError('INVALID_ARGUMENT', '"candidate" is required');
        return { kind: 'result', refused: false, content: render(store.readCandidate(candidate)) };
      }
      case AGENT_TOOLS.modules.name:
        return { kind: 'result', refused: false, content: store.modules().length === 0 ? '(no modules: the harness is empty)' : store.modules().map((module) => `// ${module.file}\n${module.source}`).join('\n\n') };
      case AGENT_TOOLS.api.name:
        return { kind: 'result', refused: false, content: store.harnessApi() };
      case AGENT_TOOLS.environment.name: {
        const brief = store.environment();
        return { kind: 'result', refused: false, content: render({ name: brief.name, description: brief.description, rules: brief.rules, tools: brief.tools }) };
      }
      case AGENT_TOOLS.tryCandidate.name: {
        const draft = draftOf(args, limits, existing);
        const report = await workbench.tryCandidate(draft);
        return { kind: 'result', refused: report.stage === 'refused', content: render(report), experiment: report };
      }
      case AGENT_TOOLS.submit.name: {
        const summary = (stringArg(args, 'summary') ?? '').replace(/\s+/g, ' ').trim();
        if (summary === '') throw new BridleError('INVALID_ARGUMENT', '"summary" is required: one line saying what the change does');
        const draft = draftOf(args, limits, existing);
        return { kind: 'submit', submission: { summary: summary.length > 300 ? `${summary.slice(0, 299)}…` : summary, ...draft }, content: '' };
      }
      default:
        throw new BridleError('INVALID_ARGUMENT', `there is no tool "${name}"; the tools are ${AGENT_TOOL_LIST.map((entry) => entry.name).join(', ')}`);
    }
  } catch (error) {
    if (BridleError.isInstance(error) && error.code !== 'INTERNAL') return { kind: 'result', refused: true, content: `refused (${error.code}): ${error.message}` };
    throw error;
  }
}
