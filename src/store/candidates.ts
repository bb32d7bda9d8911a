/**
 * A run's candidate folders, `.bridle/runs/<run-id>/candidates/NNN/`, and the one file of theirs that
 * several readers share: `changed-pairs.jsonl`, the validation episodes an accepted change flipped
 * (written by the meta-loop, read by `bridle show` and the report).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { trajectorySchema, type Trajectory } from '../agent/trajectory.ts';
import { readJsonLines } from './json-lines.ts';
import { writeFileAtomic } from './runs.ts';

/** Per accepted candidate: one JSON line `{ fixed, before, after }` per validation episode whose outcome changed. */
export const CHANGED_PAIRS_FILE = 'changed-pairs.jsonl';

/** A candidate number as its folder name and trailer value: `003`. */
export function candidateLabel(candidate: number): string {
  return String(candidate).padStart(3, '0');
}

export function candidateDirectory(runDirectory: string, candidate: number): string {
  return join(runDirectory, 'candidates', candidateLabel(candidate));
}

/** One line of `changed-pairs.jsonl`: HEAD's episode and the candidate's, paired on the same seed. */
export const changedPairSchema = z.object({ fixed: z.boolean(), before: trajectorySchema, after: trajectorySchema });
export type ChangedPair = z.infer<typeof changedPairSchema>;

/** Keep the pairs whose outcome the change flipped (fixed or broken). */
export function writeChangedPairs(runDirectory: string, candidate: number, pairs: readonly { before: Trajectory; after: Trajectory }[]): void {
  const lines = pairs.filter(({ before, after }) => before.success !== after.success).map(({ before, after }) => JSON.stringify({ fixed: after.success, before, after }));
  writeFileAtomic(join(candidateDirectory(runDirectory, candidate), CHANGED_PAIRS_FILE), lines.length ? `${lines.join('\n')}\n` : '');
}

/** The changed pairs of a candidate; [] when the file is absent. */
export function readChangedPairs(runDirectory: string, candidate: number): ChangedPair[] {
  return readJsonLines(join(candidateDirectory(runDirectory, candidate), CHANGED_PAIRS_FILE), (value) => changedPairSchema.parse(value));
}
