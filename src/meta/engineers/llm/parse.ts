/**
 * Reading an engineer reply: `write_module` / `remove_module` tool calls, or, for servers and models
 * without tool use, fenced code blocks that name their file (```ts file=name.ts, or a first line
 * `// file: name.ts`) and `remove: name.ts` lines. Everything the model wrote is validated here (file
 * names, sizes, argument shapes) so that a bad reply becomes a list of problems to send back, never an
 * exception.
 */
import type { RawOutput, ToolSchema } from '../../../harness/api.ts';
import { parseArguments } from '../../../models/shared/messages.ts';

/** Module file names: kebab-case `.ts`, no folders (a subset of what `harness.json` accepts). */
export const MODULE_FILE_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.ts$/;

/** The tool that writes one module file. */
export const WRITE_MODULE_TOOL: ToolSchema = {
  name: 'write_module',
  description: 'Create or replace one harness module file. Give its complete TypeScript source, never a diff or an excerpt.',
  parameters: {
    type: 'object',
    properties: {
      file: {
        type: 'string',
        description: 'The file name: kebab-case, ending in .ts, no folders, e.g. "confirm-before-write.ts".',
        pattern: MODULE_FILE_PATTERN.source,
      },
      source: { type: 'string', description: 'The complete source of the module file.' },
    },
    required: ['file', 'source'],
  },
  readOnly: false,
};

/** The tool that deletes one existing module file. */
export const REMOVE_MODULE_TOOL: ToolSchema = {
  name: 'remove_module',
  description: 'Delete an existing harness module file.',
  parameters: {
    type: 'object',
    properties: { file: { type: 'string', description: 'The file name of an existing module, e.g. "loop-breaker.ts".', pattern: MODULE_FILE_PATTERN.source } },
    required: ['file'],
  },
  readOnly: false,
};

/** The tools offered to the model in native mode. */
export const ENGINEER_TOOLS: readonly ToolSchema[] = [WRITE_MODULE_TOOL, REMOVE_MODULE_TOOL];

/** One change the model asked for. */
export type ModuleEdit = { kind: 'write'; file: string; source: string } | { kind: 'remove'; file: string };

/** What became of one tool call: it is answered with a tool result in the next turn. */
export interface CallOutcome {
  callId: string;
  tool: string;
  outcome: { kind: 'written'; file: string; chars: number } | { kind: 'removed'; file: string } | { kind: 'refused'; problem: string };
}

/** A reply, read. */
export interface ParsedReply {
  /** Valid edits, in the order written. */
  edits: ModuleEdit[];
  /** Why parts of the reply cannot be used; empty when all of it can. */
  problems: string[];
  /** One entry per tool call of the reply (empty for text replies). */
  calls: CallOutcome[];
  /** The model's one-line summary, when it wrote one. */
  summary?: string;
  /** Where the edits came from. */
  via: 'tools' | 'fenced' | 'none';
}

/** Limits a reply must respect. */
export interface ReplyLimits {
  maxFileChars: number;
}

/** Why a file name is not acceptable; undefined when it is. */
export function fileNameProblem(file: string): string | undefined {
  if (/[\\/]/.test(file)) return `"${file}": a file name has no folders (write just "name.ts")`;
  if (!MODULE_FILE_PATTERN.test(file)) return `"${file}": file names are kebab-case and end in .ts (e.g. "confirm-before-write.ts")`;
  return undefined;
}

/** Why a file's source is not acceptable; undefined when it is. */
export function sourceProblem(file: string, source: string, limits: ReplyLimits): string | undefined {
  if (source.trim() === '') return `${file}: the source is empty`;
  if (source.length > limits.maxFileChars) return `${file}: ${source.length} characters, over the limit of ${limits.maxFileChars}; keep modules small`;
  return undefined;
}

function writeEdit(file: unknown, source: unknown, label: string, limits: ReplyLimits): ModuleEdit | string {
  if (typeof file !== 'string' || file === '') return `${label}: "file" must be a file name string`;
  if (typeof source !== 'string') return `${label}: "source" must be the module's source as a string`;
  const problem = fileNameProblem(file) ?? sourceProblem(file, source, limits);
  return problem ?? { kind: 'write', file, source: source.endsWith('\n') ? source : `${source}\n` };
}

function removeEdit(file: unknown, label: string): ModuleEdit | string {
  if (typeof file !== 'string' || file === '') return `${label}: "file" must be a file name string`;
  return fileNameProblem(file) ?? { kind: 'remove', file };
}

const FENCED_BLOCK = /^(`{3,}|~{3,})[ \t]*([^\n]*)\n([\s\S]*?)^\1[ \t]*$/gm;
const FILE_ATTRIBUTE = /(?:^|\s)(?:file|filename|path|title)=(["']?)([^"'\s]+)\1/;
const FILE_COMMENT = /^\s*\/\/\s*(?:file|filename)\s*:\s*(\S+)\s*$/i;
const REMOVE_LINE = /^\s*(?:[-*]\s*)?(?:remove|remove_module|delete)\s*:\s*`?([^\s`]+)`?\s*$/i;
const SUMMARY_LINE = /^\s*(?:[-*#>]+\s*)?\**summary\**\s*:\s*\**\s*(.+?)\s*$/i;

/** Text with its fenced blocks cut out, and the blocks. */
function splitFences(text: string): { prose: string; blocks: { info: string; body: string }[] } {
  const blocks: { info: string; body: string }[] = [];
  const prose = text.replace(FENCED_BLOCK, (_match, _marks: string, info: string, body: string) => {
    blocks.push({ info: info.trim(), body });
    return '';
  });
  return { prose, blocks };
}

/**
 * The one-line summary in prose: a `Summary:` line, else the first line that says something. The prompt
 * asks for it first because a Messages API turn ends at its tool calls: text can only come before them.
 */
export function summaryOf(prose: string): string | undefined {
  const lines = prose
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !REMOVE_LINE.test(line));
  const marked = lines.map((line) => SUMMARY_LINE.exec(line)?.[1]).filter((line): line is string => line !== undefined);
  const chosen = marked[0] ?? lines[0];
  if (chosen === undefined) return undefined;
  const flat = chosen.replace(/^[-*#>\s]+/, '').trim();
  if (flat === '') return undefined;
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

/** Edits from fenced blocks and `remove:` lines in plain text. */
export function parseFencedText(text: string, limits: ReplyLimits): ParsedReply {
  const { prose, blocks } = splitFences(text);
  const edits: ModuleEdit[] = [];
  const problems: string[] = [];
  let unnamed = 0;
  for (const block of blocks) {
    const language = block.info.split(/\s+/)[0]?.toLowerCase() ?? '';
    const attribute = FILE_ATTRIBUTE.exec(block.info)?.[2];
    const lines = block.body.split('\n');
    const comment = FILE_COMMENT.exec(lines[0] ?? '')?.[1];
    const file = attribute ?? comment;
    if (file === undefined) {
      if (['ts', 'typescript', 'tsx', ''].includes(language)) unnamed++;
      continue;
    }
    const source = attribute === undefined ? lines.slice(1).join('\n').replace(/^\n+/, '') : block.body;
    const edit = writeEdit(file, source, `block for ${file}`, limits);
    if (typeof edit === 'string') problems.push(edit);
    else edits.push(edit);
  }
  for (const line of prose.split(/\r?\n/)) {
    const removal = REMOVE_LINE.exec(line)?.[1];
    if (removal === undefined) continue;
    const edit = removeEdit(removal, `remove: ${removal}`);
    if (typeof edit === 'string') problems.push(edit);
    else edits.push(edit);
  }
  // A code block without a name is only a problem when nothing was named: then it was meant as the answer.
  if (edits.length === 0 && problems.length === 0 && unnamed > 0) {
    problems.push('a code block did not name its file: open it with ```ts file=kebab-name.ts');
  }
  const reply: ParsedReply = { edits, problems, calls: [], via: edits.length > 0 ? 'fenced' : 'none' };
  const summary = summaryOf(prose);
  if (summary !== undefined) reply.summary = summary;
  return reply;
}

/**
 * Read a reply. Tool calls win; a reply without tool calls is read as fenced text (a model that ignored
 * the tools, or a text-mode server), so the fallback needs no second request.
 */
export function parseReply(output: RawOutput, limits: ReplyLimits): ParsedReply {
  if (output.toolCalls.length === 0) return parseFencedText(output.text, limits);
  const edits: ModuleEdit[] = [];
  const problems: string[] = [];
  const calls: CallOutcome[] = [];
  output.toolCalls.forEach((call, index) => {
    const label = `${call.name} call ${index + 1}`;
    const refuse = (problem: string): void => {
      problems.push(problem);
      calls.push({ callId: call.id, tool: call.name, outcome: { kind: 'refused', problem } });
    };
    const args = parseArguments(call.argumentsText);
    if (args === undefined) {
      refuse(`${label}: the arguments are not a JSON object (was the reply cut off?)`);
      return;
    }
    let edit: ModuleEdit | string;
    if (call.name === WRITE_MODULE_TOOL.name) edit = writeEdit(args.file, args.source, label, limits);
    else if (call.name === REMOVE_MODULE_TOOL.name) edit = removeEdit(args.file, label);
    else edit = `${label}: there is no tool "${call.name}"; use ${WRITE_MODULE_TOOL.name} or ${REMOVE_MODULE_TOOL.name}`;
    if (typeof edit === 'string') {
      refuse(edit);
      return;
    }
    edits.push(edit);
    calls.push({
      callId: call.id,
      tool: call.name,
      outcome: edit.kind === 'write' ? { kind: 'written', file: edit.file, chars: edit.source.length } : { kind: 'removed', file: edit.file },
    });
  });
  const reply: ParsedReply = { edits, problems, calls, via: 'tools' };
  const summary = summaryOf(splitFences(output.text).prose);
  if (summary !== undefined) reply.summary = summary;
  return reply;
}
