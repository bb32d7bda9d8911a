/**
 * The run journal: every phase of the meta-loop appends one event (JSON line, versioned, zod-checked)
 * before moving on, so a run killed at any point can be resumed from it. A torn last line (a kill
 * mid-write) is ignored.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { dropTornLine, readJsonLines } from '../store/json-lines.ts';

export const JOURNAL_FILE = 'journal.jsonl';
export const JOURNAL_VERSION = 1 as const;

const scoreSchema = z.record(z.string(), z.number());
const fileSchema = z.object({ file: z.string(), source: z.string() });

/** An engineer's spend on one answer (tool calls and experiments for agents). */
const usageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  calls: z.number(),
  costUsd: z.number().optional(),
  toolCalls: z.number().optional(),
  experiments: z.number().optional(),
});

const backboneComparisonSchema = z.object({
  backbone: z.string(),
  simulated: z.boolean(),
  before: z.number(),
  after: z.number(),
  low: z.number(),
  high: z.number(),
});

/** Mean tokens per validation episode, before and after (absent in journals written before the cost check). */
export const costComparisonSchema = z.object({
  before: z.number(),
  after: z.number(),
  change: z.number(),
  interval: z.tuple([z.number(), z.number()]),
  limit: z.number(),
  estimated: z.boolean(),
});

export const verdictSchema = z.object({
  accept: z.boolean(),
  reason: z.string(),
  delta: z.number(),
  interval: z.tuple([z.number(), z.number()]),
  backbones: z.array(backboneComparisonSchema),
  cost: costComparisonSchema.optional(),
  tasks: z.number(),
  trials: z.number(),
});

export const journalEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run-start'), options: z.record(z.string(), z.unknown()), branch: z.string(), base: z.string() }),
  z.object({ type: z.literal('run-resume'), iteration: z.number() }),
  z.object({ type: z.literal('iteration-start'), iteration: z.number(), head: z.string() }),
  z.object({ type: z.literal('head-evaluated'), iteration: z.number(), split: z.string(), scores: scoreSchema, ms: z.number() }),
  z.object({ type: z.literal('groups-mined'), iteration: z.number(), groups: z.array(z.object({ signature: z.string(), tasks: z.number() })) }),
  z.object({
    type: z.literal('candidate-proposed'),
    iteration: z.number(),
    candidate: z.number(),
    kind: z.enum(['change', 'removal']),
    group: z.object({ signature: z.string(), title: z.string() }),
    summary: z.string(),
    files: z.array(fileSchema),
    remove: z.array(z.string()),
    order: z.array(z.string()),
    usage: usageSchema,
    ms: z.number(),
  }),
  z.object({
    type: z.literal('candidate-rejected'),
    iteration: z.number(),
    candidate: z.number(),
    stage: z.enum(['check', 'replay', 'screen', 'activation', 'gate']),
    reason: z.string(),
    diagnostics: z.array(z.string()).optional(),
    ms: z.number(),
  }),
  z.object({ type: z.literal('candidate-screened'), iteration: z.number(), candidate: z.number(), head: scoreSchema, candidateScores: scoreSchema, ms: z.number() }),
  z.object({ type: z.literal('candidate-accepted'), iteration: z.number(), candidate: z.number(), verdict: verdictSchema, ms: z.number() }),
  z.object({ type: z.literal('commit-start'), iteration: z.number(), candidate: z.number(), message: z.string() }),
  z.object({ type: z.literal('commit-done'), iteration: z.number(), candidate: z.number(), sha: z.string() }),
  z.object({
    type: z.literal('no-proposal'),
    iteration: z.number(),
    group: z.string(),
    /** The candidate number the attempt used, when it ran experiments (the number is then spent). */
    candidate: z.number().optional(),
    reason: z.string().optional(),
    usage: usageSchema.optional(),
  }),
  z.object({
    type: z.literal('engineer-experiment'),
    iteration: z.number(),
    candidate: z.number(),
    experiment: z.number(),
    files: z.array(z.string()),
    remove: z.array(z.string()),
    stage: z.enum(['refused', 'check', 'replay', 'screen', 'done']),
    ok: z.boolean(),
    message: z.string(),
    train: z.object({ head: scoreSchema, draft: scoreSchema }).optional(),
    diagnostics: z.number(),
    ms: z.number(),
  }),
  z.object({ type: z.literal('iteration-end'), iteration: z.number(), accepted: z.boolean(), ms: z.number() }),
  z.object({ type: z.literal('run-end'), reason: z.string(), summary: z.record(z.string(), z.unknown()) }),
]);

export type JournalEvent = z.infer<typeof journalEventSchema>;
type Stamped = JournalEvent & { version: typeof JOURNAL_VERSION; at: string };

export interface Journal {
  readonly path: string;
  append(event: JournalEvent): void;
  events(): JournalEvent[];
}

export function readJournal(directory: string): JournalEvent[] {
  return readJsonLines(join(directory, JOURNAL_FILE), (value) => {
    const { version: _version, at: _at, ...event } = value as Stamped;
    return journalEventSchema.parse(event);
  });
}

/**
 * A fault to inject for crash tests: "<event-type>:<n>" kills the process (SIGKILL, no cleanup) right
 * after the n-th event of that type is journaled, as a power cut or an out-of-memory kill would.
 */
export function parseFaultInjection(spec: string | undefined): { type: string; count: number } | undefined {
  const match = spec ? /^([a-z-]+):(\d+)$/.exec(spec) : null;
  return match ? { type: match[1]!, count: Number(match[2]) } : undefined;
}

/** Open (or continue) the journal of a run folder. `now` stamps events for people; nothing reads it back. */
export function openJournal(directory: string, options: { now?: () => Date; fault?: { type: string; count: number } } = {}): Journal {
  const now = options.now ?? (() => new Date());
  const path = join(directory, JOURNAL_FILE);
  mkdirSync(directory, { recursive: true });
  dropTornLine(path);
  let seen = 0;
  return {
    path,
    append(event) {
      const parsed = journalEventSchema.parse(event);
      appendFileSync(path, `${JSON.stringify({ version: JOURNAL_VERSION, at: now().toISOString(), ...parsed })}\n`);
      if (options.fault && parsed.type === options.fault.type && ++seen === options.fault.count) process.kill(process.pid, 'SIGKILL');
    },
    events: () => readJournal(directory),
  };
}
