/**
 * The built-in environments, by the name used on the command line. Each is written on the public
 * environment toolkit (src/toolkit/), the same one a user's own environment uses.
 */
import type { EnvironmentFactory } from '../src/contracts/environment.ts';
import { createAgentbenchDb } from './agentbench-db/index.ts';
import { createHousehold } from './household/index.ts';
import { createOs } from './os/index.ts';
import { createRetail } from './retail/index.ts';
import { createTau2Airline } from './tau2-airline/index.ts';
import { createTau2Retail } from './tau2-retail/index.ts';
import { createTau2Telecom } from './tau2-telecom/index.ts';
import { createWebshop } from './webshop/index.ts';

/** A built-in environment: how to build it and how to describe it in `bridle envs`. */
export interface BuiltinEnvironment {
  /** Builds the environment (options: world seed, data folder). */
  create: EnvironmentFactory;
  /** One line for `bridle envs`. */
  summary: string;
  /** Set for peer benchmarks, which read third-party data from a folder the user names. */
  data?: {
    /** Where such a folder comes from, for the error when none is given. */
    hint: string;
  };
}

export const BUILTIN_ENVIRONMENTS: Readonly<Record<string, BuiltinEnvironment>> = {
  retail: {
    create: createRetail,
    summary: 'A generated online-shop back office: 16 tools, a written policy, tickets in solo form (ours).',
  },
  household: {
    create: createHousehold,
    summary: 'An ALFWorld-like text world: find, clean, heat, cool and place objects in generated rooms, 50 steps (ours).',
  },
  'tau2-airline': {
    create: createTau2Airline,
    summary: "tau2-bench's airline desk with the benchmark's tools and reward; ticket form, or a conversation with --user <backbone>.",
    data: { hint: 'it reads tau2/airline/ (bench-data layout) or data/tau2/domains/airline/ (a tau2-bench checkout)' },
  },
  'tau2-retail': {
    create: createTau2Retail,
    summary: "tau2-bench's retail desk with the benchmark's tools and reward; ticket form, or a conversation with --user <backbone>.",
    data: { hint: 'it reads tau2/retail/ (bench-data layout) or data/tau2/domains/retail/ (a tau2-bench checkout)' },
  },
  'tau2-telecom': {
    create: createTau2Telecom,
    summary: "tau2-bench's telecom tech support with the benchmark's phone simulation and reward; ticket form (tau2's solo mode), or a conversation with --user <backbone>.",
    data: { hint: 'it reads tau2/telecom/ (bench-data layout) or data/tau2/domains/telecom/ (a tau2-bench checkout)' },
  },
  os: {
    create: createOs,
    summary: 'Shell tasks on a simulated Linux machine (just-bash, generated file trees), AgentBench OS style (ours).',
  },
  webshop: {
    create: createWebshop,
    summary: 'A WebShop-like store: about 1,100 generated products behind full-text search; buy what the request describes (partial reward).',
  },
  'agentbench-db': {
    create: createAgentbenchDb,
    summary: "AgentBench's DBBench: SQL questions and changes on one table each, MySQL semantics on node:sqlite (AgentBench's data).",
    data: { hint: 'it reads agentbench/dbbench/standard.jsonl (e.g. --data ../shared/bench-data) or an AgentBench checkout (data/dbbench/standard.jsonl)' },
  },
};
