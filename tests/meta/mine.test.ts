import { describe, expect, it } from 'vitest';
import { compressTrajectory } from '../../src/meta/compress.ts';
import { errorClass, mineFailures, signaturesOf, trajectoriesOf } from '../../src/meta/mine.ts';
import { step, trajectory } from '../helpers/trajectories.ts';

const cancel = { kind: 'call', tool: 'cancel_pending_order', arguments: { order_id: 'W1' } } as const;
const finish = { kind: 'finish', message: 'sorry' } as const;

describe('failure mining', () => {
  it('names environment errors by tool and error class, with ids and quoted values folded', () => {
    expect(errorClass("Error: argument 'order_id' has an invalid format: 'W1' does not match ^#W\\d{7}$")).toBe('argument q has an invalid format');
    expect(errorClass('Error: order #W1234567 not found')).toBe('order n not found');
  });

  it('groups sandbox violations by module, also those outside any step (a worker killed for the episode), and tells the engineer which module', () => {
    const violation = { code: 'SANDBOX_MEMORY' as const, hook: 'guard' as const, module: 'builtin-fill', message: 'guard grew the worker by 82 MiB in one call; the worker was killed' };
    const killed = trajectory({
      taskId: 't9',
      steps: [step(0, '{"tool":"get_order"}', { action: { kind: 'call', tool: 'get_order', arguments: {} }, result: { ok: true, output: '{}' } })],
      end: { reason: 'sandbox-violation', detail: violation.message },
      violations: [violation],
    });
    const [signature] = signaturesOf(killed);
    expect(signature).toMatchObject({ signature: 'sandbox:SANDBOX_MEMORY:builtin-fill', kind: 'sandbox', title: 'harness code stopped: SANDBOX_MEMORY in module "builtin-fill" (guard)' });
    expect(signature!.evidence).toMatch(/^guard: guard grew the worker by 82 MiB/);
    expect(compressTrajectory(killed).outcome).toMatch(/stopped: SANDBOX_MEMORY in module "builtin-fill" \(guard\)/);
  });

  it('finds parse, environment-error, loop, give-up, policy and state signatures in one failed episode', () => {
    const failed = trajectory({
      taskId: 't1',
      steps: [
        step(0, 'Sure: {...}', { rejection: 'Invalid action: the reply is not a single JSON object.' }),
        step(1, '{"tool":"cancel_pending_order"}', { action: cancel, result: { ok: false, output: "Error: argument 'order_id' has an invalid format" } }),
        step(2, '{"tool":"cancel_pending_order"}', { action: cancel, result: { ok: false, output: "Error: argument 'order_id' has an invalid format" } }),
        step(3, 'finish', { action: finish }),
      ],
      verification: {
        success: false,
        reward: 0,
        checks: [{ name: 'policy:confirmation', passed: false, detail: 'write without confirmation' }],
        differences: [{ table: 'orders', key: '#W1', field: 'status' }],
      },
    });
    expect(signaturesOf(failed).map((signature) => signature.signature)).toEqual([
      'parse:the reply is not a single json object',
      'environment-error:cancel_pending_order:argument q has an invalid format',
      'loop',
      'give-up',
      'policy:confirmation',
      'state:orders.status',
    ]);
  });

  it('groups failed episodes only, ranks groups by tasks sunk, and finds each group\'s episodes', () => {
    const unknown = (taskId: string, success = false) =>
      trajectory({ taskId, success, steps: [step(0, 'x', { action: { kind: 'call', tool: 'get_orders', arguments: {} }, result: { ok: false, output: "Error: unknown tool 'get_orders'. Available tools: a" } })] });
    const budget = trajectory({ taskId: 't9', end: { reason: 'step-budget' } });
    const episodes = [unknown('t1'), unknown('t1'), unknown('t2'), unknown('t3', true), budget];
    const groups = mineFailures(episodes);
    expect(groups.map((group) => [group.signature, group.taskIds, group.episodes])).toEqual([
      ['unknown-tool', ['t1', 't2'], 3],
      ['step-budget', ['t9'], 1],
    ]);
    expect(trajectoriesOf(groups[0]!, episodes)).toHaveLength(3);
    expect(groups[0]!.evidence[0]).toMatch(/get_orders/);
  });

  it('compresses long episodes: repeats collapsed, failures kept, within the token budget', () => {
    const steps = Array.from({ length: 40 }, (_unused, index) =>
      index % 10 === 5 ? step(index, 'bad', { rejection: 'Invalid action: nope' }) : step(index, 'same', { action: { kind: 'call', tool: 'list_all_product_types', arguments: {} }, result: { ok: true, output: '{}' } }),
    );
    const compressed = compressTrajectory(trajectory({ taskId: 't', steps }), 400);
    expect(compressed.tokens).toBeLessThanOrEqual(400);
    expect(compressed.steps.some((line) => /\(×\d+\)/.test(line))).toBe(true);
    expect(compressed.steps.filter((line) => /REJECTED/.test(line)).length).toBeGreaterThan(0);
    expect(compressed.omitted).toBeGreaterThan(0);
    expect(compressed.outcome).toMatch(/^FAILURE; ended: finished/);
  });
});
