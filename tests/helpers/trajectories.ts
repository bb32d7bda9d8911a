/** Small hand-made trajectories for unit tests of mining and the gate. */
import type { StepRecord, Trajectory } from '../../src/agent/trajectory.ts';
import type { Action, ToolResult } from '../../src/harness/api.ts';

export function step(index: number, text: string, fields: { action?: Action | null; rejection?: string; blocked?: string; result?: ToolResult; fired?: StepRecord['fired'] } = {}): StepRecord {
  return {
    index,
    messages: [],
    samples: [{ text, toolCalls: [] }],
    candidates: [],
    chosen: 0,
    action: fields.action ?? null,
    ...(fields.rejection !== undefined ? { rejection: fields.rejection } : {}),
    ...(fields.blocked !== undefined ? { blocked: fields.blocked } : {}),
    ...(fields.result ? { result: fields.result } : {}),
    feedback: '',
    fired: fields.fired ?? [],
    usage: { inputTokens: 0, outputTokens: 0, estimated: true },
    peeks: 0,
    timing: { hooks: [], modelMs: 0 },
  };
}

export function trajectory(fields: Partial<Trajectory> & { taskId: string }): Trajectory {
  const success = fields.success ?? false;
  return {
    version: 1,
    runId: 'test',
    environment: 'retail',
    split: 'train',
    trial: 0,
    seed: 1,
    backbone: { id: 'sim/test', simulated: true },
    harness: { label: 'none', contentHash: 'x', modules: [] },
    runner: 'none',
    instruction: 'do it',
    maxSteps: 30,
    steps: [],
    end: { reason: 'finished' },
    verification: { success, reward: success ? 1 : 0, checks: [], differences: [] },
    success,
    usage: { inputTokens: 0, outputTokens: 0, estimated: true, modelCalls: 0, peeks: 0, cachedCalls: 0, billedTokens: 0, costUsd: 0 },
    violations: [],
    timing: { episodeMs: 0, hookMs: 0, modelMs: 0, hookCalls: 0 },
    ...fields,
  };
}
