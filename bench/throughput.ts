/**
 * `npm run bench:throughput` (also run by `npm run bench`): model-call throughput of `bridle eval`
 * through the run's scheduler (issue #14). A local OpenAI-compatible server answers every call after a
 * fixed latency and counts the calls in flight; `evaluate()` runs the retail test split with no harness
 * (one call per episode) at maxConcurrency C = 4, 16, 64 with two worker processes. Then the same with a
 * simulated backbone given an artificial latency (episodes of several calls each, SIMULATED).
 *
 * For each: wall time against the limit N × latency ÷ C + start-up (start-up: the same command for one
 * episode, measured), their ratio, the most calls in flight (the server's count, or the scheduler's for
 * the sim), and the workers' peak RSS. RSS per episode in flight is the slope between C = 4 and C = 64
 * (the workers' own size cancels out). Writes JSON to .bridle/bench/throughput.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, type EvaluateOptions, type EvaluateResult } from '../src/api/evaluate.ts';
import { table } from '../src/cli/format.ts';

const LATENCY_MS = Number(process.env.BRIDLE_BENCH_LATENCY_MS ?? 200);
const CONCURRENCIES = [4, 16, 64];
const WORKERS = 2;
const SERVER_TRIALS = 10;
const SIM_TRIALS = Number(process.env.BRIDLE_BENCH_SIM_TRIALS ?? 2);

const FINISH = JSON.stringify({
  id: 'bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench',
  choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'finish', arguments: '{"message":"Done."}' } }] }, finish_reason: 'tool_calls' }],
  usage: { prompt_tokens: 100, completion_tokens: 10 },
});

/** A server answering every call with `finish` after `latency` ms, counting calls in flight. */
async function startServer(): Promise<{ url: string; counts: { calls: number; inFlight: number; peak: number }; latency: { ms: number }; close(): Promise<void> }> {
  const counts = { calls: 0, inFlight: 0, peak: 0 };
  const latency = { ms: LATENCY_MS };
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      counts.calls++;
      counts.inFlight++;
      counts.peak = Math.max(counts.peak, counts.inFlight);
      setTimeout(() => {
        counts.inFlight--;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(FINISH);
      }, latency.ms);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    counts,
    latency,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Total RSS of this process's children (the workers), in MiB. */
function childrenRssMiB(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      const pages = Number(readFileSync(`/proc/${entry}/statm`, 'utf8').split(' ')[1]);
      total += (pages * 4096) / 2 ** 20;
    } catch {
      // Gone between the listing and the read.
    }
  }
  return total;
}

interface Row {
  backbone: string;
  concurrency: number;
  calls: number;
  wallSeconds: number;
  startupSeconds: number;
  limitSeconds: number;
  ratio: number;
  peakInFlight: number;
  /** The workers' RSS at its highest during the run, summed. */
  peakRssMiB: number;
}

function project(config: string): string {
  const root = mkdtempSync(join(tmpdir(), 'bridle-bench-'));
  writeFileSync(join(root, 'bridle.config.ts'), config);
  return root;
}

/** One measured run: the start-up run (one episode), then the full one, sampling the workers' RSS. */
async function measure(options: {
  backbone: string;
  concurrency: number;
  config: string;
  trials: number;
  simLatencyMs?: number;
  peakOf: (result: EvaluateResult) => number;
  setLatency?: (ms: number) => void;
}): Promise<Row> {
  const root = project(options.config);
  const common: EvaluateOptions = {
    root,
    env: 'retail',
    backbones: [options.backbone],
    harness: 'none',
    record: false,
    workers: WORKERS,
    backboneOptions: { noCache: true, ...(options.simLatencyMs ? { simLatencyMs: options.simLatencyMs } : {}) },
  };
  try {
    // Start-up: everything but the waiting, for one episode (no latency).
    options.setLatency?.(0);
    const startupStarted = performance.now();
    await evaluate({ ...common, tasks: ['retail-001'], trials: 1, backboneOptions: { noCache: true } });
    const startupSeconds = (performance.now() - startupStarted) / 1000;
    options.setLatency?.(LATENCY_MS);
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, childrenRssMiB());
    }, 100);
    const started = performance.now();
    const result = await evaluate({ ...common, split: 'test', trials: options.trials });
    const wallSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const calls = result.calls[0]?.granted ?? 0;
    const limitSeconds = (calls * LATENCY_MS) / 1000 / options.concurrency + startupSeconds;
    const peak = options.peakOf(result);
    return {
      backbone: options.backbone,
      concurrency: options.concurrency,
      calls,
      wallSeconds,
      startupSeconds,
      limitSeconds,
      ratio: wallSeconds / limitSeconds,
      peakInFlight: peak,
      peakRssMiB: peakRss,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
const server = await startServer();
try {
  for (const concurrency of CONCURRENCIES) {
    process.stderr.write(`bench: openai/fake, ${LATENCY_MS} ms a call, maxConcurrency ${concurrency}...\n`);
    server.counts.peak = 0;
    rows.push(
      await measure({
        backbone: 'openai/fake',
        concurrency,
        config: `export default { backbones: { 'openai/fake': { baseURL: '${server.url}', maxConcurrency: ${concurrency} } } };\n`,
        trials: SERVER_TRIALS,
        peakOf: () => server.counts.peak,
        setLatency: (ms) => {
          server.latency.ms = ms;
          server.counts.peak = 0;
        },
      }),
    );
  }
} finally {
  await server.close();
}
for (const concurrency of CONCURRENCIES) {
  process.stderr.write(`bench: sim/mixed (SIMULATED), ${LATENCY_MS} ms a call, maxConcurrency ${concurrency}...\n`);
  rows.push(
    await measure({
      backbone: 'sim/mixed',
      concurrency,
      config: `export default { backbones: { 'sim/mixed': { maxConcurrency: ${concurrency} } } };\n`,
      trials: SIM_TRIALS,
      simLatencyMs: LATENCY_MS,
      peakOf: (result) => result.calls[0]?.peak ?? 0,
    }),
  );
}

/** MiB of worker RSS per episode in flight: the slope between the lowest and the highest C of a backbone. */
function rssSlope(backbone: string): number {
  const own = rows.filter((row) => row.backbone === backbone).sort((left, right) => left.peakInFlight - right.peakInFlight);
  const low = own[0];
  const high = own.at(-1);
  if (!low || !high || high.peakInFlight === low.peakInFlight) return 0;
  return (high.peakRssMiB - low.peakRssMiB) / (high.peakInFlight - low.peakInFlight);
}
const slopes = { server: rssSlope('openai/fake'), sim: rssSlope('sim/mixed') };

const lines = [
  `bridle bench: model-call throughput, retail test split, no harness, ${WORKERS} workers, ${cpus().length} cores, node ${process.version}; ${LATENCY_MS} ms a call`,
  '',
  table(
    ['backbone', 'C', 'calls', 'wall s', 'limit s (N×latency÷C + start-up)', 'start-up s', 'wall ÷ limit', 'peak in flight', 'workers peak RSS MiB'],
    rows.map((row) => [
      row.backbone === 'sim/mixed' ? 'sim/mixed (simulated, artificial latency)' : `${row.backbone} (local server)`,
      String(row.concurrency),
      String(row.calls),
      row.wallSeconds.toFixed(1),
      row.limitSeconds.toFixed(1),
      row.startupSeconds.toFixed(1),
      row.ratio.toFixed(2),
      String(row.peakInFlight),
      row.peakRssMiB.toFixed(0),
    ]),
  ),
  '',
  `RSS per episode in flight (slope from the lowest to the highest C): ${slopes.server.toFixed(2)} MiB with the local server, ${slopes.sim.toFixed(2)} MiB with the simulated backbone`,
];
process.stdout.write(`${lines.join('\n')}\n`);
const directory = join(process.cwd(), '.bridle', 'bench');
mkdirSync(directory, { recursive: true });
const output = join(directory, 'throughput.json');
writeFileSync(output, `${JSON.stringify({ startedAt: new Date().toISOString(), latencyMs: LATENCY_MS, workers: WORKERS, cores: cpus().length, node: process.version, rows, rssPerEpisodeMiB: slopes }, null, 2)}\n`);
process.stdout.write(`written: ${output}\n`);
