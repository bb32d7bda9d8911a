/**
 * The os task list: every family's drafts, numbered, and dealt into train / validation / test (35% test)
 * stratified by family, all from the environment's seed.
 */
import { dealSplits } from '../../src/toolkit/index.ts';
import { accountsTasks } from './families/accounts.ts';
import { adminTasks } from './families/admin.ts';
import { logsTasks } from './families/logs.ts';
import { mediaTasks } from './families/media.ts';
import { projectTasks } from './families/project.ts';
import { recordsTasks } from './families/records.ts';
import { scriptsTasks } from './families/scripts.ts';
import type { OsTask, TaskDraft } from './task.ts';

/** Every family's task drafts, in a fixed order. */
export function draftTasks(seed: number): TaskDraft[] {
  return [...logsTasks(seed), ...mediaTasks(seed), ...projectTasks(seed), ...recordsTasks(seed), ...adminTasks(seed), ...accountsTasks(seed), ...scriptsTasks(seed)];
}

/** The tasks with ids and splits. */
export function generateTasks(seed: number): OsTask[] {
  const drafts = draftTasks(seed);
  const splits = dealSplits(drafts, { seed, stratum: (draft) => draft.family });
  return drafts.map(({ family, ...draft }, index) => ({ ...draft, id: `os-${String(index + 1).padStart(3, '0')}`, split: splits[index]!, kind: family }));
}
