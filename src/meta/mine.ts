/**
 * Failure mining: every failed trajectory gets its signatures (what went wrong, in environment-neutral
 * terms), and trajectories sharing a signature form a group. Groups are ranked by how many distinct tasks
 * they sink, the meta-loop's measure of what is worth fixing next.
 */
import type { StepRecord, Trajectory } from '../agent/trajectory.ts';
import type { FailureGroup, FailureKind } from './types.ts';

/** A signature found in one trajectory, with one piece of evidence. */
export interface Signature {
  signature: string;
  kind: FailureKind;
  title: string;
  tool?: string;
  evidence: string;
}

const MAX_EVIDENCE = 6;
const EVIDENCE_LENGTH = 240;

function clip(text: string, length = EVIDENCE_LENGTH): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** "Error: argument 'order_id' has an invalid format: ..." → "argument Q has an invalid format". */
export function errorClass(output: string): string {
  return output
    .replace(/^error:\s*/i, '')
    .replace(/'[^']*'|"[^"]*"/g, 'Q')
    .split(/:\s|\.\s|\n/)[0]!
    .replace(/[.\s]+$/, '')
    .replace(/\S*\d\S*/g, 'N')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
    .slice(0, 80);
}

function stepFailed(step: StepRecord): boolean {
  return step.rejection !== undefined || step.blocked !== undefined || step.result?.ok === false;
}

function chosenText(step: StepRecord): string {
  const raw = step.samples[step.chosen];
  return raw ? raw.text + JSON.stringify(raw.toolCalls) : '';
}

/** The signatures of one failed trajectory (each at most once). */
export function signaturesOf(trajectory: Trajectory): Signature[] {
  const found = new Map<string, Signature>();
  const add = (signature: Signature) => {
    if (!found.has(signature.signature)) found.set(signature.signature, signature);
  };
  const steps = trajectory.steps;
  steps.forEach((step, index) => {
    if (step.rejection !== undefined) {
      const kind = errorClass(step.rejection.replace(/^invalid action:\s*/i, ''));
      add({ signature: `parse:${kind}`, kind: 'parse', title: `outputs rejected as actions: ${kind}`, evidence: clip(`output ${JSON.stringify(step.samples[step.chosen]?.text ?? '')} → ${step.rejection}`) });
    }
    if (step.blocked !== undefined) {
      const modules = step.fired.find((fired) => fired.hook === 'guard')?.modules ?? [];
      const by = modules[0] ?? 'guard';
      add({ signature: `guard-block:${by}`, kind: 'guard-block', title: `actions blocked by ${by}`, evidence: clip(`${describeAction(step)} → ${step.blocked}`) });
    }
    if (step.result && !step.result.ok && step.action?.kind === 'call') {
      const kind = errorClass(step.result.output);
      if (/^unknown tool/.test(kind)) {
        add({ signature: 'unknown-tool', kind: 'unknown-tool', title: 'calls to tools that do not exist', evidence: clip(`${describeAction(step)} → ${step.result.output}`) });
      } else {
        const tool = step.action.tool;
        add({
          signature: `environment-error:${tool}:${kind}`,
          kind: 'environment-error',
          title: `${tool} failed: ${kind}`,
          tool,
          evidence: clip(`${describeAction(step)} → ${step.result.output}`),
        });
      }
    }
    const previous = steps[index - 1];
    if (previous && stepFailed(previous) && stepFailed(step) && chosenText(previous) === chosenText(step)) {
      add({ signature: 'loop', kind: 'loop', title: 'the same failed output repeated', evidence: clip(`step ${index}: ${chosenText(step)}`) });
    }
  });

  // Every violation, on a step or not (a load failure, a worker that died for the episode), by module:
  // the group says which module to fix.
  for (const violation of trajectory.violations) {
    const module = violation.module ?? 'unknown';
    add({
      signature: `sandbox:${violation.code}:${module}`,
      kind: 'sandbox',
      title: `harness code stopped: ${violation.code} in ${violation.module ? `module "${violation.module}"` : 'an unnamed module'} (${violation.hook})`,
      evidence: clip(`${violation.hook}: ${violation.message}`),
    });
  }

  const last = steps.at(-1);
  const beforeLast = steps.at(-2);
  switch (trajectory.end.reason) {
    case 'step-budget':
      add({ signature: 'step-budget', kind: 'step-budget', title: 'the step budget ran out', evidence: `${steps.length} steps used` });
      break;
    case 'model-fault':
    case 'budget-exhausted':
      add({ signature: 'model-fault', kind: 'model-fault', title: 'the model call failed', evidence: clip(trajectory.end.detail ?? '') });
      break;
    case 'finished':
      if (beforeLast && stepFailed(beforeLast)) {
        add({ signature: 'give-up', kind: 'give-up', title: 'finished right after a failed step', evidence: clip(`after ${describeAction(beforeLast)}: finish ${JSON.stringify(trajectory.finalMessage ?? '')}`) });
      } else if (trajectory.verification.checks.some(checksOutcome)) {
        add({ signature: 'premature-stop', kind: 'premature-stop', title: 'finished with the requested changes or answers incomplete', evidence: clip(`finish ${JSON.stringify(last?.action?.kind === 'finish' ? last.action.message : '')}`) });
      }
      break;
    default:
      break;
  }
  for (const check of trajectory.verification.checks) {
    if (!check.passed && check.name.startsWith('policy:')) {
      add({ signature: check.name, kind: 'policy', title: `policy check failed: ${check.name.slice('policy:'.length)}`, evidence: clip(check.detail ?? check.name) });
    }
  }
  for (const difference of trajectory.verification.differences) {
    const field = difference.field ?? 'record';
    add({ signature: `state:${difference.table}.${field}`, kind: 'state', title: `final state differs in ${difference.table}.${field}`, evidence: `${difference.table}/${difference.key}/${field}` });
  }
  return [...found.values()];
}

/**
 * A failed check on what the episode was to achieve (the final database or state, a goal, an answer, an
 * assertion), as opposed to how it went (`policy:*`) or whether it ended (`finished`): a finish with one
 * of these failing left work undone, whatever the environment calls its checks.
 */
function checksOutcome(check: { name: string; passed: boolean }): boolean {
  return !check.passed && check.name !== 'finished' && !check.name.startsWith('policy:');
}

function describeAction(step: StepRecord): string {
  const action = step.action;
  if (!action) return `output ${JSON.stringify(step.samples[step.chosen]?.text ?? '')}`;
  return action.kind === 'finish' ? `finish(${JSON.stringify(action.message)})` : `${action.tool}(${JSON.stringify(action.arguments)})`;
}

/** Group the failed trajectories by signature, largest (most tasks sunk) first; ties by signature. */
export function mineFailures(trajectories: readonly Trajectory[]): FailureGroup[] {
  const groups = new Map<string, { signature: Signature; tasks: Set<string>; episodes: number; evidence: string[] }>();
  for (const trajectory of trajectories) {
    if (trajectory.success) continue;
    for (const signature of signaturesOf(trajectory)) {
      let group = groups.get(signature.signature);
      if (!group) {
        group = { signature, tasks: new Set(), episodes: 0, evidence: [] };
        groups.set(signature.signature, group);
      }
      group.tasks.add(trajectory.taskId);
      group.episodes += 1;
      if (group.evidence.length < MAX_EVIDENCE && !group.evidence.includes(signature.evidence)) group.evidence.push(signature.evidence);
    }
  }
  return [...groups.values()]
    .map(({ signature, tasks, episodes, evidence }) => ({
      signature: signature.signature,
      kind: signature.kind,
      title: signature.title,
      ...(signature.tool === undefined ? {} : { tool: signature.tool }),
      taskIds: [...tasks].sort(),
      episodes,
      evidence,
    }))
    .sort((a, b) => b.taskIds.length - a.taskIds.length || b.episodes - a.episodes || a.signature.localeCompare(b.signature));
}

/** The failed trajectories that belong to a group. */
export function trajectoriesOf(group: FailureGroup, trajectories: readonly Trajectory[]): Trajectory[] {
  return trajectories.filter((trajectory) => !trajectory.success && signaturesOf(trajectory).some((signature) => signature.signature === group.signature));
}
