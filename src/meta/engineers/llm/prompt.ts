/**
 * The LLM engineer's prompt: a versioned markdown file of named sections with `{{NAME}}` placeholders,
 * read at runtime and filled here. Every text the model reads comes from that file, so a prompt change is
 * a new file (a new version) and never an edit scattered through code; this module only renders the
 * request's data (tools, modules, failure group, episodes, rejected attempts) into markdown.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HARNESS_API_VERSION, type ToolSchema } from '../../../harness/api.ts';
import { BridleError } from '../../../errors.ts';
import type { HarnessFile } from '../../../store/harness-files.ts';
import type { CompressedTrajectory, EngineerRequest, FailureGroup, RejectedAttempt } from '../../types.ts';

/** The prompt version this engineer speaks; part of its identity (`llm-prompt-v1`). */
export const LLM_PROMPT_VERSION = 1;

/** The sections every prompt version must define. */
export const PROMPT_SECTIONS = [
  'system',
  'output-native',
  'output-text',
  'how-native',
  'how-text',
  'user',
  'no-modules',
  'no-rejected',
  'rejected-note',
  'correct',
  'repair',
  'previous',
  'result-written',
  'result-removed',
  'result-refused',
  'result-checked',
] as const;

/** One section's name. */
export type PromptSection = (typeof PROMPT_SECTIONS)[number];

/** A loaded prompt file of named sections. */
export interface SectionedPrompt<S extends string> {
  /** The version number (the `N` of `prompt-vN.md`). */
  version: number;
  /** Each section's raw text, placeholders unfilled. */
  sections: Record<S, string>;
}

/** A loaded version of the single-shot prompt. */
export type PromptTemplate = SectionedPrompt<PromptSection>;

/** How the model is asked to write files: native tool calls, or fenced blocks in text. */
export type OutputMode = 'native' | 'text';

/** Limits the prompt states (and the parser enforces). */
export interface PromptLimits {
  maxFiles: number;
  maxFileChars: number;
}

const SECTION_MARKER = /^<!-- @([a-z-]+) -->$/;
const PLACEHOLDER = /\{\{([A-Z_]+)\}\}/g;
/** Rejected attempts show each file up to this many characters: enough to see the idea, not to drown the prompt. */
const REJECTED_FILE_CHARS = 4000;
const REJECTED_DIAGNOSTICS = 20;

/** Parse a prompt file's text into its sections. */
export function parsePromptTemplate(text: string, version: number, where = `prompt-v${version}.md`): PromptTemplate {
  return parseSections(text, version, PROMPT_SECTIONS, where);
}

/** Parse a sectioned prompt file: every one of `names` must appear once, and nothing else. */
export function parseSections<S extends string>(text: string, version: number, names: readonly S[], where: string): SectionedPrompt<S> {
  const found = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const marker = SECTION_MARKER.exec(line);
    if (marker) {
      const name = marker[1]!;
      if (found.has(name)) throw new BridleError('INTERNAL', `${where}: section @${name} appears twice`);
      current = [];
      found.set(name, current);
    } else {
      current?.push(line);
    }
  }
  const sections = {} as Record<S, string>;
  for (const name of names) {
    const lines = found.get(name);
    if (!lines) throw new BridleError('INTERNAL', `${where}: section @${name} is missing`);
    sections[name] = lines.join('\n').trim();
  }
  const unknown = [...found.keys()].filter((name) => !(names as readonly string[]).includes(name));
  if (unknown.length > 0) throw new BridleError('INTERNAL', `${where}: unknown section(s) ${unknown.map((name) => `@${name}`).join(', ')}`);
  return { version, sections };
}

const loaded = new Map<string, SectionedPrompt<string>>();

/** Load `prompt-v<version>.md` from beside this module (once per process). */
export function loadPromptTemplate(version: number = LLM_PROMPT_VERSION): PromptTemplate {
  return loadSectionedPrompt('prompt', version, PROMPT_SECTIONS);
}

/**
 * Load `<name>-v<version>.md` (once per process), with exactly the sections `names`, from beside this
 * module or from beside the module whose `import.meta.url` is `near`.
 */
export function loadSectionedPrompt<S extends string>(name: string, version: number, names: readonly S[], near: string = import.meta.url): SectionedPrompt<S> {
  const url = new URL(`./${name}-v${version}.md`, near);
  const key = url.href;
  let template = loaded.get(key) as SectionedPrompt<S> | undefined;
  if (!template) {
    let text: string;
    try {
      text = readFileSync(fileURLToPath(url), 'utf8');
    } catch (error) {
      throw new BridleError('MISSING_FILE', `the LLM engineer's prompt ${fileURLToPath(url)} is missing (a broken install?)`, { cause: error });
    }
    template = parseSections(text, version, names, `${name}-v${version}.md`);
    loaded.set(key, template);
  }
  return template;
}

/**
 * Fill a section's placeholders in one pass, so a value that itself contains `{{...}}` (module source,
 * rules text) is never expanded. A placeholder without a value is a bug in the caller, not in the data.
 */
export function fillSection<S extends string>(template: SectionedPrompt<S>, section: S, values: Readonly<Record<string, string | number>> = {}): string {
  const used = new Set<string>();
  const text = template.sections[section].replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new BridleError('INTERNAL', `prompt v${template.version}: @${section} needs {{${name}}}`);
    used.add(name);
    return String(value);
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0) throw new BridleError('INTERNAL', `prompt v${template.version}: @${section} has no {{${unused.join('}}, {{')}}}`);
  return text;
}

/** A fenced block that cannot be closed early by backticks inside the content. */
export function fence(content: string, info: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((match) => match[0].length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${info}\n${content.replace(/\n+$/, '')}\n${marks}`;
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}\n… (${text.length - length} more characters)`;
}

/** The tools as the engineer reads them: name, whether they change state, description, parameters. */
export function renderTools(tools: readonly ToolSchema[]): string {
  if (tools.length === 0) return '(none)';
  return tools
    .map((tool) => `- \`${tool.name}\` (${tool.readOnly ? 'read-only' : 'changes state'}): ${tool.description}\n  parameters: \`${JSON.stringify(tool.parameters)}\``)
    .join('\n');
}

/** Module files as fenced blocks named by file. */
export function renderFiles(files: readonly HarnessFile[], clipAt?: number): string {
  return files.map((file) => fence(clipAt === undefined ? file.source : clip(file.source, clipAt), `ts file=${file.file}`)).join('\n\n');
}

/** The failure group; task ids are left out on purpose (a module must never name one). */
export function renderGroup(group: FailureGroup): string {
  const lines = [
    `Signature: \`${group.signature}\``,
    `Kind: ${group.kind}`,
    `Title: ${group.title}`,
  ];
  if (group.tool !== undefined) lines.push(`Tool: \`${group.tool}\``);
  lines.push(`Sinks ${group.taskIds.length} task${group.taskIds.length === 1 ? '' : 's'} (${group.episodes} failed episode${group.episodes === 1 ? '' : 's'}).`);
  if (group.evidence.length > 0) {
    lines.push('Evidence:');
    for (const item of group.evidence) lines.push(`- ${item.replace(/\s*\n\s*/g, ' ')}`);
  }
  return lines.join('\n');
}

/** Compressed episodes, one block each. */
export function renderExamples(examples: readonly CompressedTrajectory[]): string {
  if (examples.length === 0) return '(no episodes available)';
  return examples
    .map((example, index) => {
      const steps = example.steps.map((step) => `- ${step}`);
      if (example.omitted > 0) steps.push(`- (${example.omitted} step${example.omitted === 1 ? '' : 's'} left out)`);
      return [
        `### Episode ${index + 1} (backbone \`${example.backbone}\`)`,
        `Instruction: ${example.instruction}`,
        `Outcome: ${example.outcome}`,
        'Steps:',
        ...steps,
      ].join('\n');
    })
    .join('\n\n');
}

/** Rejected attempts with their reasons, diagnostics and (clipped) files. */
export function renderRejected(template: PromptTemplate, rejected: readonly RejectedAttempt[]): string {
  if (rejected.length === 0) return fillSection(template, 'no-rejected');
  const blocks = rejected.map((attempt) => {
    const lines = [`## Attempt ${attempt.attempt}: rejected: ${attempt.reason}`];
    const diagnostics = attempt.diagnostics ?? [];
    if (diagnostics.length > 0) {
      lines.push('Diagnostics:');
      for (const diagnostic of diagnostics.slice(0, REJECTED_DIAGNOSTICS)) lines.push(`- ${diagnostic}`);
      if (diagnostics.length > REJECTED_DIAGNOSTICS) lines.push(`- (${diagnostics.length - REJECTED_DIAGNOSTICS} more)`);
    }
    if (attempt.files.length > 0) lines.push('Files:', renderFiles(attempt.files, REJECTED_FILE_CHARS));
    return lines.join('\n');
  });
  return [...blocks, fillSection(template, 'rejected-note')].join('\n\n');
}

/** The system prompt for a request: the job, the API, the rules, and how to answer. */
export function renderSystem(template: PromptTemplate, request: EngineerRequest, mode: OutputMode, limits: PromptLimits): string {
  return fillSection(template, 'system', {
    VERSION: template.version,
    API_VERSION: HARNESS_API_VERSION,
    API: fence(request.apiTypes.trim(), 'ts'),
    MAX_FILES: limits.maxFiles,
    MAX_FILE_CHARS: limits.maxFileChars,
    OUTPUT: fillSection(template, mode === 'native' ? 'output-native' : 'output-text'),
  });
}

/** The first user message: the environment, the current harness, the failure group and its history. */
export function renderUser(template: PromptTemplate, request: EngineerRequest): string {
  const { environment } = request;
  return fillSection(template, 'user', {
    ENVIRONMENT: environment.name,
    DESCRIPTION: environment.description.trim() || '(no description)',
    RULES: environment.rules.trim() || '(no written rules)',
    TOOLS: renderTools(environment.tools),
    MODULES: request.modules.length === 0 ? fillSection(template, 'no-modules') : renderFiles(request.modules),
    GROUP: renderGroup(request.group),
    EXAMPLES: renderExamples(request.examples),
    REJECTED: renderRejected(template, request.rejected),
  });
}

/** How to write files, as a short clause for follow-up messages. */
export function renderHow(template: PromptTemplate, mode: OutputMode): string {
  return fillSection(template, mode === 'native' ? 'how-native' : 'how-text');
}
