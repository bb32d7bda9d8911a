/**
 * What a run has done so far, rebuilt from its journal. Completed iterations count in full; an
 * iteration that was cut off is redone from its start (everything is a deterministic function of the
 * seed and HEAD, so the redo gives the same result), except that a candidate already accepted by the
 * gate is committed without being validated again.
 */
import type { JournalEvent } from '../journal.ts';
import type { RejectedAttempt } from '../types.ts';

type Proposed = Extract<JournalEvent, { type: 'candidate-proposed' }>;
type Accepted = Extract<JournalEvent, { type: 'candidate-accepted' }>;

export interface RunState {
  /** Iterations completed. */
  iterations: number;
  /** Highest candidate number used by completed iterations. */
  lastCandidate: number;
  /** Accepted commits, oldest first. */
  commits: { iteration: number; candidate: number; sha: string }[];
  /** Rejected attempts per failure group signature. */
  rejected: Map<string, RejectedAttempt[]>;
  /** Engineer spend so far. */
  engineerTokens: number;
  engineerCostUsd: number;
  /** Completed iterations in a row without an accepted commit. */
  sinceAccepted: number;
  /** An accepted candidate of the cut-off iteration whose commit may not have been made. */
  pendingCommit?: { proposed: Proposed; accepted: Accepted; commitDone?: string };
  /** The iteration that was cut off, if any. */
  interrupted?: number;
}

export function replayJournal(events: readonly JournalEvent[]): RunState {
  const state: RunState = { iterations: 0, lastCandidate: 0, commits: [], rejected: new Map(), engineerTokens: 0, engineerCostUsd: 0, sinceAccepted: 0 };
  let current: JournalEvent[] = [];
  let open: number | undefined;
  const settle = (events: JournalEvent[]) => {
    const proposals = new Map<number, Proposed>();
    const start = events.find((event) => event.type === 'iteration-start');
    const head = start?.type === 'iteration-start' ? start.head : undefined;
    for (const event of events) {
      if (event.type === 'candidate-proposed') {
        proposals.set(event.candidate, event);
        state.lastCandidate = Math.max(state.lastCandidate, event.candidate);
        state.engineerTokens += event.usage.inputTokens + event.usage.outputTokens;
        state.engineerCostUsd += event.usage.costUsd ?? 0;
      }
      if (event.type === 'candidate-rejected') {
        const proposal = proposals.get(event.candidate);
        if (!proposal || proposal.kind === 'removal') continue;
        const attempts = state.rejected.get(proposal.group.signature) ?? [];
        attempts.push({
          attempt: attempts.length + 1,
          files: proposal.files,
          reason: `${event.stage}: ${event.reason}`,
          ...(event.diagnostics ? { diagnostics: event.diagnostics } : {}),
          ...(head ? { head } : {}),
        });
        state.rejected.set(proposal.group.signature, attempts);
      }
      if (event.type === 'no-proposal') {
        if (event.candidate !== undefined) state.lastCandidate = Math.max(state.lastCandidate, event.candidate);
        state.engineerTokens += (event.usage?.inputTokens ?? 0) + (event.usage?.outputTokens ?? 0);
        state.engineerCostUsd += event.usage?.costUsd ?? 0;
      }
      if (event.type === 'commit-done') state.commits.push({ iteration: event.iteration, candidate: event.candidate, sha: event.sha });
    }
  };
  for (const event of events) {
    if (event.type === 'iteration-start') {
      open = event.iteration;
      current = [event];
      continue;
    }
    if (open === undefined) continue;
    current.push(event);
    if (event.type === 'iteration-end') {
      settle(current);
      state.iterations = event.iteration;
      state.sinceAccepted = event.accepted ? 0 : state.sinceAccepted + 1;
      open = undefined;
      current = [];
    }
  }
  if (open !== undefined) {
    state.interrupted = open;
    const accepted = current.find((event): event is Accepted => event.type === 'candidate-accepted');
    const proposed = accepted ? current.find((event): event is Proposed => event.type === 'candidate-proposed' && event.candidate === accepted.candidate) : undefined;
    if (accepted && proposed) {
      // The iteration's decision is made; its record counts, and only the commit may be missing.
      settle(current);
      const done = current.find((event) => event.type === 'commit-done' && event.candidate === accepted.candidate);
      state.pendingCommit = { proposed, accepted, ...(done && done.type === 'commit-done' ? { commitDone: done.sha } : {}) };
    }
  }
  return state;
}
