/** What a heuristic template gets and gives. */
import type { Trajectory } from '../../../agent/trajectory.ts';
import type { EngineerRequest } from '../../types.ts';

export interface TemplateContext {
  request: EngineerRequest;
  /** Failed train trajectories of the group. */
  failures: readonly Trajectory[];
  /** 0 on the first attempt at the group; each rejected attempt moves to the next variant. */
  variant: number;
}

/** A generated module: its file, source, summary, and its stage (the fold order among modules). */
export interface GeneratedModule {
  file: string;
  source: string;
  summary: string;
  stage: number;
}

export type Template = (context: TemplateContext) => GeneratedModule | null;

/** Fold order: parsing before coercion, coercion before tool checks, guards, stop checks, loop control. */
export const STAGES = { parse: 10, coerce: 20, tools: 30, guard: 40, stop: 50, loop: 60 } as const;
