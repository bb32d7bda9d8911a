/**
 * Entry point of an episode worker process: runs the episodes the pool sends, several at once. Its
 * watchdog thread kills the process when a hook call runs past its deadline or grows the process past
 * twice the isolate's memory limit, after naming the episode, hook and module on the report pipe.
 */
import { readProbe, createProbe } from '../../sandboxes/probe.ts';
import { startWatchdog } from '../../sandboxes/watchdog.ts';
import { reportFd, serveWorker, writeReport } from '../../sandboxes/worker-host.ts';
import { createLocalExecutor, type EpisodeAnswer, type EpisodeJob } from './executor.ts';
import { createRemoteGate } from './remote-gate.ts';

const probe = createProbe();
const watchdog = startWatchdog({ probe: probe.buffer, reportFd: reportFd() ?? 3 });

const executor = createLocalExecutor({
  // Model calls take their slots from the parent's scheduler, shared by every worker of the run.
  gate: createRemoteGate(),
  isolate: {
    probe,
    onSessionOpen: (tag, modules) => watchdog.name(tag, modules),
    onSessionClose: (tag) => watchdog.forget(tag),
    // isolated-vm lost an isolate: name the call that was in it, then end the process as isolated-vm requires.
    onCatastrophicError: (message) => {
      const reading = readProbe(probe.buffer);
      writeReport({ job: reading.tag, verdict: true, code: 'SANDBOX_MEMORY', hook: reading.hook, message: `isolated-vm lost control of the isolate (${message}); the worker was killed` });
      process.kill(process.pid, 'SIGKILL');
    },
  },
});

serveWorker<EpisodeJob, EpisodeAnswer>(async (job, context) => {
  const trajectory = await executor.run(job, context);
  return { trajectory: { ...trajectory, steps: [] }, steps: trajectory.steps.length };
});
