/** Global setup of the chaos suite: start a fresh results file. */
import { rmSync } from 'node:fs';
import { RESULTS } from './chaos-log.ts';

export default function setup(): void {
  rmSync(RESULTS, { force: true });
}
