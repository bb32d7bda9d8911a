/**
 * The run's call scheduler: one per run, in the process that drives it; every model call of every
 * backbone, in every worker, asks it for a slot (src/models/shared/gate.ts). Per backbone it keeps
 * - at most `maxConcurrency` calls in flight, across all workers;
 * - requests and tokens per minute, as providers publish them (token buckets; a call's tokens are
 *   estimated when it starts and corrected by its usage when it ends);
 * - an adaptive limit below `maxConcurrency`: halved on a 429 or an "overloaded" answer (once per round
 *   of calls: the calls already in flight when it halved do not halve it again), raised by one per
 *   round of successes (additive increase, multiplicative decrease); a `retry-after` holds every new
 *   call of the backbone until it has passed;
 * - its endpoints (`baseURL: [...]`: vLLM, SGLang or Ollama replicas): each call goes to the healthy one
 *   with the fewest calls in flight; an endpoint that fails twice in a row (5xx, connection, timeout) is
 *   taken out and tried again after a back-off (5 s, doubling to a minute).
 * And for the whole run, the token and cost budget, checked when a call starts: once spent, no call
 * starts, so the run ends at most the calls already granted past it.
 *
 * Simulated backbones never come here (they need no slot), unless given an artificial latency for the
 * throughput bench.
 */
import { BridleError } from '../../errors.ts';
import type { BudgetLimits, BudgetSpend } from './budget.ts';
import type { CallGate, CallOutcome, CallRequest, CallTicket } from './gate.ts';

/** Limits of one backbone. */
export interface LaneSettings {
  /** Most calls in flight at once. */
  maxConcurrency: number;
  /** Most calls started per minute. */
  requestsPerMinute?: number;
  /** Most tokens (input plus output) per minute. */
  tokensPerMinute?: number;
  /** Base URLs to spread the calls over (absent: the backbone's own default). */
  endpoints?: readonly string[];
}

/** Options of the scheduler. */
export interface CallSchedulerOptions {
  /** The limits of a backbone, asked once per backbone. */
  lane: (backbone: string) => LaneSettings;
  /** The run's budget. */
  budget?: BudgetLimits;
  /** First back-off of a failed endpoint, in ms (default 5000; doubles up to 60 000). */
  endpointRetryMs?: number;
  /** The clock (default `performance.now`): for rates and back-offs only. */
  now?: () => number;
}

/** What one backbone's lane did, for reports and tests. */
export interface LaneStats {
  backbone: string;
  maxConcurrency: number;
  /** The adaptive limit now (≤ maxConcurrency). */
  limit: number;
  inFlight: number;
  /** Most calls in flight at once so far. */
  peak: number;
  /** Calls granted. */
  granted: number;
  /** Calls waiting for a slot now. */
  waiting: number;
  /** Answers that slowed the backbone down: 429s and "overloaded". */
  rateLimited: number;
  overloaded: number;
  /** Calls that failed at an endpoint (5xx, connection, timeout). */
  endpointFailures: number;
  endpoints: { url: string; calls: number; failures: number; inFlight: number; down: boolean }[];
}

/** The scheduler. */
export interface CallScheduler extends CallGate {
  /** The limits a backbone's calls are held to. */
  settingsOf(backbone: string): LaneSettings;
  /** Per backbone, what happened so far. */
  stats(): LaneStats[];
  /** What the run spent (calls that reached a model). */
  spent(): BudgetSpend;
  /** Why no more calls start, when the budget is spent. */
  budgetStop(): string | undefined;
}

interface Waiter {
  request: CallRequest;
  resolve(ticket: CallTicket): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Endpoint {
  url: string;
  inFlight: number;
  calls: number;
  /** Failures in a row. */
  failures: number;
  totalFailures: number;
  downUntil: number;
  backoffMs: number;
}

interface Bucket {
  capacity: number;
  level: number;
  /** Units per ms. */
  rate: number;
  at: number;
}

interface Lane {
  backbone: string;
  settings: LaneSettings;
  limit: number;
  inFlight: number;
  peak: number;
  granted: number;
  rateLimited: number;
  overloaded: number;
  endpointFailures: number;
  waiters: Waiter[];
  requests: Bucket | undefined;
  tokens: Bucket | undefined;
  pausedUntil: number;
  lastDecreaseAt: number;
  endpoints: Endpoint[];
  timer: NodeJS.Timeout | undefined;
}

const FAILURES_BEFORE_DOWN = 2;
const MAX_ENDPOINT_BACKOFF_MS = 60_000;
const MINUTE_MS = 60_000;

function bucket(perMinute: number | undefined, now: number): Bucket | undefined {
  return perMinute === undefined ? undefined : { capacity: perMinute, level: perMinute, rate: perMinute / MINUTE_MS, at: now };
}

function refill(bucket: Bucket, now: number): void {
  bucket.level = Math.min(bucket.capacity, bucket.level + (now - bucket.at) * bucket.rate);
  bucket.at = now;
}

/** Milliseconds until `bucket` holds `amount` (0 when it does). */
function waitFor(bucket: Bucket | undefined, amount: number, now: number): number {
  if (!bucket) return 0;
  refill(bucket, now);
  const needed = Math.min(amount, bucket.capacity);
  return bucket.level >= needed ? 0 : Math.ceil((needed - bucket.level) / bucket.rate);
}

/** Create a run's scheduler. */
export function createCallScheduler(options: CallSchedulerOptions): CallScheduler {
  const now = options.now ?? (() => performance.now());
  const firstBackoff = options.endpointRetryMs ?? 5_000;
  const lanes = new Map<string, Lane>();
  const spend: BudgetSpend = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, callsWithUnknownCost: 0 };
  const limits = options.budget ?? {};

  function laneOf(backbone: string): Lane {
    let lane = lanes.get(backbone);
    if (!lane) {
      const settings = options.lane(backbone);
      const max = Math.max(1, Math.floor(settings.maxConcurrency));
      const at = now();
      lane = {
        backbone,
        settings: { ...settings, maxConcurrency: max },
        limit: max,
        inFlight: 0,
        peak: 0,
        granted: 0,
        rateLimited: 0,
        overloaded: 0,
        endpointFailures: 0,
        waiters: [],
        requests: bucket(settings.requestsPerMinute, at),
        tokens: bucket(settings.tokensPerMinute, at),
        pausedUntil: 0,
        lastDecreaseAt: -Infinity,
        endpoints: (settings.endpoints ?? []).map((url) => ({ url, inFlight: 0, calls: 0, failures: 0, totalFailures: 0, downUntil: 0, backoffMs: firstBackoff })),
        timer: undefined,
      };
      lanes.set(backbone, lane);
    }
    return lane;
  }

  function budgetStop(): string | undefined {
    const tokens = spend.inputTokens + spend.outputTokens;
    if (limits.maxTokens !== undefined && tokens >= limits.maxTokens) {
      return `token budget exhausted (${tokens} of ${limits.maxTokens} tokens spent; raise budgets.maxTokens in bridle.config.ts)`;
    }
    if (limits.maxCostUsd !== undefined && spend.costUsd >= limits.maxCostUsd) {
      return `cost budget exhausted ($${spend.costUsd.toFixed(4)} of $${limits.maxCostUsd} spent; raise budgets.maxCostUsd in bridle.config.ts)`;
    }
    return undefined;
  }

  function exhausted(backbone: string, reason: string): BridleError {
    return new BridleError('BUDGET_EXHAUSTED', `${backbone}: ${reason}`);
  }

  /** The endpoint for the next call: the healthy one with the fewest calls in flight (then fewest calls). */
  function chooseEndpoint(lane: Lane, at: number): Endpoint | undefined {
    if (lane.endpoints.length === 0) return undefined;
    const healthy = lane.endpoints.filter((endpoint) => endpoint.downUntil <= at);
    // All taken out: try the one that comes back first rather than nothing.
    const pool = healthy.length > 0 ? healthy : [lane.endpoints.reduce((first, endpoint) => (endpoint.downUntil < first.downUntil ? endpoint : first))];
    return pool.reduce((best, endpoint) => (endpoint.inFlight < best.inFlight || (endpoint.inFlight === best.inFlight && endpoint.calls < best.calls) ? endpoint : best));
  }

  function grant(lane: Lane, waiter: Waiter): void {
    const at = now();
    lane.inFlight++;
    lane.peak = Math.max(lane.peak, lane.inFlight);
    lane.granted++;
    if (lane.requests) lane.requests.level -= 1;
    if (lane.tokens) lane.tokens.level -= waiter.request.tokens;
    const endpoint = chooseEndpoint(lane, at);
    if (endpoint) {
      endpoint.inFlight++;
      endpoint.calls++;
    }
    const startedAt = at;
    let released = false;
    const ticket: CallTicket = {
      release: (outcome) => {
        if (released) return;
        released = true;
        finish(lane, endpoint, startedAt, waiter.request, outcome);
      },
      ...(endpoint ? { baseURL: endpoint.url } : {}),
    };
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(ticket);
  }

  function finish(lane: Lane, endpoint: Endpoint | undefined, startedAt: number, request: CallRequest, outcome: CallOutcome): void {
    const at = now();
    lane.inFlight--;
    if (endpoint) endpoint.inFlight--;
    const usage = outcome.usage;
    if (usage && lane.tokens) lane.tokens.level += request.tokens - (usage.inputTokens + usage.outputTokens);
    if (usage && !usage.estimated) {
      spend.calls++;
      spend.inputTokens += usage.inputTokens;
      spend.outputTokens += usage.outputTokens;
      if (outcome.costUsd === undefined) spend.callsWithUnknownCost++;
      else spend.costUsd += outcome.costUsd;
    }
    switch (outcome.kind) {
      case 'ok':
        lane.limit = Math.min(lane.settings.maxConcurrency, lane.limit + 1 / Math.max(1, lane.limit));
        if (endpoint) {
          endpoint.failures = 0;
          endpoint.backoffMs = firstBackoff;
        }
        break;
      case 'rate-limited':
      case 'overloaded':
        if (outcome.kind === 'rate-limited') lane.rateLimited++;
        else lane.overloaded++;
        // One decrease per round: calls that started before the last decrease saw the old load.
        if (startedAt >= lane.lastDecreaseAt) {
          lane.limit = Math.max(1, lane.limit / 2);
          lane.lastDecreaseAt = at;
        }
        if (outcome.retryAfterMs !== undefined) lane.pausedUntil = Math.max(lane.pausedUntil, at + outcome.retryAfterMs);
        break;
      case 'server-error':
      case 'connection':
      case 'timeout':
        lane.endpointFailures++;
        if (endpoint) {
          endpoint.failures++;
          endpoint.totalFailures++;
          if (endpoint.failures >= FAILURES_BEFORE_DOWN) {
            endpoint.downUntil = at + endpoint.backoffMs;
            endpoint.backoffMs = Math.min(MAX_ENDPOINT_BACKOFF_MS, endpoint.backoffMs * 2);
          }
        }
        break;
      default:
        break;
    }
    drain(lane);
  }

  function drain(lane: Lane): void {
    clearTimeout(lane.timer);
    lane.timer = undefined;
    while (lane.waiters.length > 0) {
      const stop = budgetStop();
      if (stop) {
        for (const waiter of lane.waiters.splice(0)) {
          if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
          waiter.reject(exhausted(lane.backbone, stop));
        }
        return;
      }
      if (lane.inFlight >= Math.max(1, Math.floor(lane.limit))) return;
      const head = lane.waiters[0]!;
      const at = now();
      const wait = Math.max(lane.pausedUntil - at, waitFor(lane.requests, 1, at), waitFor(lane.tokens, head.request.tokens, at));
      if (wait > 0) {
        lane.timer = setTimeout(() => drain(lane), Math.ceil(wait));
        return;
      }
      lane.waiters.shift();
      grant(lane, head);
    }
  }

  return {
    acquire(request, signal) {
      const lane = laneOf(request.backbone);
      return new Promise<CallTicket>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const stop = budgetStop();
        if (stop) {
          reject(exhausted(request.backbone, stop));
          return;
        }
        const waiter: Waiter = { request, resolve, reject, signal, onAbort: undefined };
        if (signal) {
          waiter.onAbort = () => {
            const index = lane.waiters.indexOf(waiter);
            if (index >= 0) lane.waiters.splice(index, 1);
            reject(signal.reason);
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        lane.waiters.push(waiter);
        drain(lane);
      });
    },
    settingsOf: (backbone) => ({ ...laneOf(backbone).settings }),
    stats() {
      const at = now();
      return [...lanes.values()].map((lane) => ({
        backbone: lane.backbone,
        maxConcurrency: lane.settings.maxConcurrency,
        limit: Math.round(lane.limit * 100) / 100,
        inFlight: lane.inFlight,
        peak: lane.peak,
        granted: lane.granted,
        waiting: lane.waiters.length,
        rateLimited: lane.rateLimited,
        overloaded: lane.overloaded,
        endpointFailures: lane.endpointFailures,
        endpoints: lane.endpoints.map((endpoint) => ({
          url: endpoint.url,
          calls: endpoint.calls,
          failures: endpoint.totalFailures,
          inFlight: endpoint.inFlight,
          down: endpoint.downUntil > at,
        })),
      }));
    },
    spent: () => ({ ...spend }),
    budgetStop,
  };
}
