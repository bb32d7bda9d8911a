/** Entry point of an episode worker process: runs the jobs the pool sends, one at a time. */
import { serveWorker } from '../../sandboxes/worker-pool.ts';
import { createLocalExecutor, type EpisodeJob } from './executor.ts';
import type { Trajectory } from './trajectory.ts';

const executor = createLocalExecutor();
serveWorker<EpisodeJob, Trajectory>((job) => executor.run(job));
