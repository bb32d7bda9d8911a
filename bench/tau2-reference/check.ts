/**
 * Compare bridle's tau2 tools with tau2-bench's own Python tools, call for call: every task's gold
 * actions, then fuzzed sequences (mutated ids, amounts, choices and lists, repeated writes). The tool
 * output must be byte-identical and the final database equal, record by record.
 *
 *   node --import tsx bench/tau2-reference/check.ts --data ../shared/bench-data --tau2 <tau2-bench checkout> [--domains retail,airline,telecom]
 *
 * Telecom (./telecom.ts) also starts each sequence from the task's initialization actions, walks both
 * sides' tools at random, and compares the phone and the values of the assertions.
 * Needs python3 with pydantic 2 and a tau2-bench checkout at the release the data comes from (the June
 * 2025 task files: commit 37199f3 up to 0ed2fd8). pydantic's error links name the installed pydantic
 * version; bridle writes tau2's locked one (2.10), so that number is ignored in the comparison.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { canonicalEqual } from '../../src/toolkit/canonical.ts';
import { createRandom } from '../../src/util/random.ts';
import type { JsonObject } from '../../src/harness/api.ts';
import { createTau2Airline } from '../../environments/tau2-airline/index.ts';
import { createTau2Retail } from '../../environments/tau2-retail/index.ts';
import type { Tau2Environment } from '../../environments/tau2/domain.ts';
import type { Tables } from '../../environments/tau2/store.ts';
import { checkTelecom } from './telecom.ts';

const { values } = parseArgs({ options: { data: { type: 'string' }, tau2: { type: 'string' }, seed: { type: 'string', default: '7' }, domains: { type: 'string', default: 'retail,airline,telecom' } } });
if (!values.data || !values.tau2) throw new Error('usage: check.ts --data <bench-data or checkout> --tau2 <tau2-bench checkout>');

type Call = { name: string; arguments: JsonObject };
type Sequence = { id: string; calls: Call[] };

/** Gold sequences, and fuzzed ones: each gold call twice mutated, then as it is (sometimes twice). */
function sequences(environment: Tau2Environment<Tables>, seed: number): Sequence[] {
  const random = createRandom(seed);
  const db = environment.createState(environment.task(environment.tasks[0]!.id), 0).db;
  const pool = (table: string) => db.keys(table);
  const mutateValue = (key: string, value: unknown): unknown => {
    if (typeof value === 'string') {
      if (key.endsWith('order_id')) return random.chance(0.5) ? random.pick(pool('orders')) : value.slice(1);
      if (key === 'user_id') return random.chance(0.5) ? random.pick(pool('users')) : `${value}x`;
      if (key === 'reservation_id') return random.chance(0.6) ? random.pick(pool('reservations')) : value.slice(1);
      if (key === 'reason') return random.pick(['no longer needed', 'ordered by mistake', 'changed my mind']);
      if (key === 'cabin') return random.pick(['business', 'economy', 'basic_economy', 'first']);
      if (key === 'expression') return random.pick(['1/0', '2 (3)', '(1+2', '10 / 4', '2**-1']);
      if (key === 'date') return random.pick(['2024-05-05', '2024-05-31', '2024-05-1', value]);
      return random.chance(0.2) ? value.toUpperCase() : value;
    }
    if (typeof value === 'number') return random.pick([value + 1, 0, value * 2, -value]);
    if (Array.isArray(value) && value.length > 0) {
      const copy = structuredClone(value) as unknown[];
      const choice = random.int(0, 3);
      if (choice === 0) copy.pop();
      else if (choice === 1) copy.push(copy[0]);
      else if (choice === 2 && typeof copy[0] === 'object' && copy[0] !== null) {
        const record = copy[0] as Record<string, unknown>;
        delete record[random.pick(Object.keys(record))];
      } else copy.reverse();
      return copy;
    }
    return value;
  };
  const mutate = (args: JsonObject): JsonObject => {
    const keys = Object.keys(args);
    if (keys.length === 0) return args;
    const key = random.pick(keys);
    return { ...args, [key]: mutateValue(key, args[key]) as JsonObject[string] };
  };
  const result: Sequence[] = [];
  for (const task of environment.tasks) {
    const gold = (environment.task(task.id).criteria?.actions ?? []).map((action) => ({ name: action.name, arguments: action.arguments as JsonObject }));
    result.push({ id: `${task.id}/gold`, calls: gold });
    result.push({
      id: `${task.id}/fuzz`,
      calls: gold.flatMap((call) => [{ ...call, arguments: mutate(call.arguments) }, { ...call, arguments: mutate(call.arguments) }, call, ...(random.chance(0.5) ? [call] : [])]),
    });
  }
  return result;
}

const work = mkdtempSync(join(tmpdir(), 'tau2-reference-'));
try {
  const domains = new Set(values.domains.split(','));
  for (const create of [...(domains.has('retail') ? [createTau2Retail] : []), ...(domains.has('airline') ? [createTau2Airline] : [])]) {
    const environment = create({ data: values.data }) as unknown as Tau2Environment<Tables>;
    const domain = environment.name.replace('tau2-', '');
    const input = sequences(environment, Number(values.seed));
    writeFileSync(join(work, 'in.json'), JSON.stringify(input));
    execFileSync('python3', [new URL('./replay.py', import.meta.url).pathname, values.tau2, environment.folder, domain, join(work, 'in.json'), join(work, 'out.json')], { stdio: 'inherit' });
    const reference = JSON.parse(readFileSync(join(work, 'out.json'), 'utf8')) as { steps: { ok: boolean; output: string }[]; changed: Tables }[];
    let calls = 0;
    let errors = 0;
    const mismatches: string[] = [];
    input.forEach((sequence, index) => {
      const state = environment.createState(environment.task(sequence.id.split('/')[0]!), 0);
      sequence.calls.forEach((call, position) => {
        const mine = environment.runner.run(state, call.name, call.arguments);
        const theirs = reference[index]!.steps[position]!;
        const normalise = (text: string) => text.replace(/errors\.pydantic\.dev\/2\.\d+/g, 'errors.pydantic.dev/2.x');
        calls += 1;
        if (!theirs.ok) errors += 1;
        if (mine.ok !== theirs.ok || normalise(mine.output) !== normalise(theirs.output)) mismatches.push(`${sequence.id} call ${position} ${call.name}:\n  tau2:   ${theirs.output.slice(0, 300)}\n  bridle: ${mine.output.slice(0, 300)}`);
      });
      if (!canonicalEqual(state.db.delta(), reference[index]!.changed)) mismatches.push(`${sequence.id}: the final databases differ`);
    });
    console.log(`${environment.name}: ${input.length} sequences, ${calls} calls (${errors} refused by tau2): ${mismatches.length} mismatches`);
    for (const mismatch of mismatches.slice(0, 10)) console.log(mismatch);
    if (mismatches.length > 0) process.exitCode = 1;
  }
  if (domains.has('telecom') && !checkTelecom(values.data, values.tau2, work, Number(values.seed))) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
