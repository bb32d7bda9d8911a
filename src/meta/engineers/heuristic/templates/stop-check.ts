/**
 * Finishing too early: block a finish right after a failed step (giving up), a finish while a required
 * pre-write call (e.g. a confirmation) is still waiting for its write, and, in the stronger variant, the
 * first finish right after a write (a correct agent simply finishes again; it costs one step).
 */
import type { Json } from '../../../../harness/api.ts';
import { emitModule } from '../codegen.ts';
import { mineImmediateCallRules } from '../evidence.ts';
import { STAGES, type Template } from '../template.ts';

/** What an earlier stop-check module blocks (read from its CHECKS and PENDING_CALLS tables). */
function existingChecks(source: string | undefined): { checks: Record<string, boolean>; pendingCalls: string[] } {
  const read = <T>(name: string, fallback: T): T => {
    const table = source ? new RegExp(`const ${name}[^=]*=\\s*([\\[{][^\\]}]*[\\]}])`).exec(source)?.[1] : undefined;
    try {
      return table ? (JSON.parse(table) as T) : fallback;
    } catch {
      return fallback;
    }
  };
  return { checks: read<Record<string, boolean>>('CHECKS', {}), pendingCalls: read<string[]>('PENDING_CALLS', []) };
}

export const stopCheck: Template = ({ request, variant }) => {
  const premature = request.group.kind === 'premature-stop';
  // An existing stop-check keeps what it already blocks: a new group adds checks, it never drops one.
  const existing = existingChecks(request.modules.find((module) => module.file === 'stop-check.ts')?.source);
  const checks = {
    afterFailure: request.group.kind === 'give-up' || variant > 0 || existing.checks.afterFailure === true,
    pendingCall: true,
    firstAfterWrite: premature || variant > 0 || existing.checks.firstAfterWrite === true,
  };
  // What a pending pre-write call is comes from successful episodes alone: it must not vanish once a guard enforces it.
  const pending = [...new Set([...mineImmediateCallRules(request.train, request.environment.tools, { relevant: false }).map((rule) => rule.requires), ...existing.pendingCalls])].sort();
  const writes = request.environment.tools.filter((tool) => !tool.readOnly && tool.name !== 'finish' && !pending.includes(tool.name)).map((tool) => tool.name).sort();
  const source = emitModule({
    name: 'stop-check',
    why: 'Episodes were finished with work left: after an error, with a required pre-write call not followed by its write, or right after the first of several changes.',
    typeImports: [],
    constants: [
      { name: 'CHECKS', type: '{ afterFailure: boolean; pendingCall: boolean; firstAfterWrite: boolean }', value: checks as unknown as Json, comment: 'Which premature finishes to block.' },
      { name: 'PENDING_CALLS', type: 'string[]', value: pending, comment: 'Calls that must be followed by the write they announce.' },
      { name: 'WRITES', type: 'string[]', value: writes, comment: 'Tools that change the world.' },
      { name: 'GIVE_UP_BLOCKS', type: 'number', value: 2, comment: 'Finishes right after an error blocked in a row before one is let through.' },
      { name: 'STUCK_AFTER', type: 'number', value: 2, comment: 'Repeats of the same failed output after which a give-up is let through.' },
    ],
    helpers: [],
    hooks: {
      guard: {
        parameters: 'action, view',
        body: `if (action.kind !== 'finish') return undefined;
const steps = view.trajectory;
// The step before the finishes this guard blocked in a row (at most GIVE_UP_BLOCKS of them): a give-up
// repeated verbatim is still a give-up, but an agent that insists three times is let go.
let blockedFinishes = 0;
while (blockedFinishes < steps.length && steps[steps.length - 1 - blockedFinishes]!.action?.kind === 'finish' && steps[steps.length - 1 - blockedFinishes]!.blocked !== undefined) blockedFinishes++;
const last = steps[steps.length - 1 - blockedFinishes];
const lastFailed = last !== undefined && last.action?.kind !== 'finish' && (last.rejection !== undefined || last.blocked !== undefined || last.result?.ok === false);
// A give-up after the same failed output came back again and again is let through: the episode is
// stuck, and going on only spends tokens.
let repeats = 0;
const failedText = (index: number) => {
  const step = steps[index];
  return step !== undefined && step.action?.kind !== 'finish' && (step.rejection !== undefined || step.blocked !== undefined || step.result?.ok === false) ? step.raw.text : undefined;
};
const lastIndex = steps.length - 1 - blockedFinishes;
while (repeats < STUCK_AFTER && failedText(lastIndex - repeats - 1) !== undefined && failedText(lastIndex - repeats - 1) === failedText(lastIndex)) repeats++;
if (CHECKS.afterFailure && lastFailed && blockedFinishes < GIVE_UP_BLOCKS && repeats < STUCK_AFTER) {
  // What the agent was told about the error, again: it usually names the fix.
  return { block: 'Do not give up after an error: read the error, correct the call and continue with the request. The error was: ' + last.feedback.slice(0, 400) };
}
const succeeded = steps.filter((step) => step.action?.kind === 'call' && step.result?.ok);
const lastCall = succeeded.at(-1)?.action;
if (CHECKS.pendingCall && lastCall?.kind === 'call' && PENDING_CALLS.includes(lastCall.tool)) {
  return { block: 'You called ' + lastCall.tool + ' but not the change it announces: make that change before finishing.' };
}
const triedBefore = steps.some((step) => step.action?.kind === 'finish');
if (CHECKS.firstAfterWrite && !triedBefore && lastCall?.kind === 'call' && WRITES.includes(lastCall.tool)) {
  return { block: 'Before finishing, re-read the request: is every requested change done and every question answered? If so, finish again.' };
}
return undefined;`,
      },
    },
  });
  const enabled = Object.entries(checks).filter(([, on]) => on).map(([name]) => name);
  return { file: 'stop-check.ts', source, stage: STAGES.stop, summary: `block premature finishes (${enabled.join(', ')})` };
};
