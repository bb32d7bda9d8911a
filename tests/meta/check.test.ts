/** The candidate check: type-check, lint, leak scan and compile, in one warm project. */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRetail, type RetailEnvironment } from '../../environments/retail/index.ts';
import {
  buildLeakCorpus,
  createHarnessChecker,
  createTypeChecker,
  harnessApiSource,
  lintHarness,
  scanForLeaks,
  type HarnessChecker,
  type LeakScanCorpus,
} from '../../src/meta/check/index.ts';
import type { Environment } from '../../src/contracts/environment.ts';
import type { HarnessFile } from '../../src/store/harness-files.ts';
import type { CheckResult } from '../../src/meta/types.ts';

const FIXTURE = new URL('../fixtures/retail-example-harness/', import.meta.url);
const FIXTURE_FILES: HarnessFile[] = (JSON.parse(readFileSync(new URL('harness.json', FIXTURE), 'utf8')) as { modules: string[] }).modules.map(
  (file) => ({ file, source: readFileSync(new URL(file, FIXTURE), 'utf8') }),
);

/** A one-module candidate whose guard body is `body` (and whose top of file is `top`). */
function guardModule(body: string, top = ''): HarnessFile[] {
  return [
    {
      file: 'probe.ts',
      source: `import { defineModule } from 'bridle/harness';
${top}
export default defineModule({
  name: 'probe',
  why: 'exercises the checker',
  guard(action, view) {
    ${body}
    return undefined;
  },
});
`,
    },
  ];
}

function failure(result: CheckResult): { stage: string; diagnostics: string[] } {
  if (result.ok) throw new Error('expected the check to fail');
  return result;
}

let environment: RetailEnvironment;
let corpus: LeakScanCorpus;
let checker: HarnessChecker;

beforeAll(() => {
  environment = createRetail();
  corpus = buildLeakCorpus(environment);
  checker = createHarnessChecker({ corpus });
});

describe('createHarnessChecker', () => {
  it('passes the example harness through every stage and compiles it', () => {
    const result = checker.check(FIXTURE_FILES);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.compiled.modules.map((module) => module.file)).toEqual(FIXTURE_FILES.map((file) => file.file));
    expect(result.compiled.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails at "type" with one clear line for a wrong verdict shape', () => {
    const files = FIXTURE_FILES.map((file) =>
      file.file === 'finish-check.ts' ? { ...file, source: file.source.replace("return { block: 'Before", "return { blok: 'Before") } : file,
    );
    const { stage, diagnostics } = failure(checker.check(files));
    expect(stage).toBe('type');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatch(/^finish-check\.ts:\d+:\d+ TS2322 /);
    expect(diagnostics[0]).toContain('blok');
    expect(diagnostics[0]).not.toContain('\n');
  });

  it('fails at "type" for a misspelt view field, with the suggestion', () => {
    const { stage, diagnostics } = failure(checker.check(guardModule('if (view.instructions.length > 0) return { block: "no" };')));
    expect(stage).toBe('type');
    expect(diagnostics[0]).toMatch(/^probe\.ts:7:\d+ TS2551 Property 'instructions' does not exist on type 'View'\. Did you mean 'instruction'\?/);
  });

  it('fails at "type" on syntax errors and on a broken module shape', () => {
    expect(failure(checker.check(guardModule('if (')))).toMatchObject({ stage: 'type' });
    const noDefault = failure(checker.check([{ file: 'x.ts', source: "import { defineModule } from 'bridle/harness';\nexport const x = defineModule({ name: 'x', why: 'y', regulate() { return undefined; } });\n" }]));
    expect(noDefault.stage).toBe('type');
    expect(noDefault.diagnostics.join('\n')).toMatch(/module-shape: a module exports nothing but its default export[\s\S]*module-shape: no default export/);
    const misspeltHook = failure(checker.check([{ file: 'x.ts', source: "import { defineModule } from 'bridle/harness';\nexport default defineModule({ name: 'x', why: 'y', gaurd() { return undefined; } });\n" }]));
    expect(misspeltHook.diagnostics.join('\n')).toContain('unknown module property "gaurd"');
    const computedName = failure(checker.check([{ file: 'x.ts', source: "import { defineModule } from 'bridle/harness';\nconst n = 'x';\nexport default defineModule({ name: n, why: 'y', regulate() { return undefined; } });\n" }]));
    expect(computedName.diagnostics.join('\n')).toContain('"name" must be a string literal');
  });

  const lintCases: [string, string, string, string?][] = [
    ['a node import', '', 'only-harness-import', "import fs from 'node:fs';"],
    ['require', "const fs = require('x');", 'only-harness-import'],
    ['a dynamic import', "void import('node:fs');", 'only-harness-import'],
    ['a re-export', '', 'only-harness-import', "export { readFileSync } from 'node:fs';"],
    ['eval', "eval('1');", 'no-eval'],
    ['Function', "Function('return this')();", 'no-eval'],
    ['new Function', "new Function('return this')();", 'no-eval'],
    ['Math.random', 'if (Math.random() > 0.5) return { block: "coin" };', 'no-random'],
    ['a destructured Math.random', 'const { random } = Math; if (random() > 0.5) return { block: "coin" };', 'no-random'],
    ['Date.now', 'if (Date.now() % 2) return { block: "tick" };', 'no-clock'],
    ['new Date()', 'if (new Date().getDay() === 0) return { block: "sunday" };', 'no-clock'],
    ['globalThis', '(globalThis as any).x = 1;', 'no-global-mutation'],
    ['a global object read', 'const g = globalThis;', 'no-global-object'],
    ['a built-in prototype', '(Array.prototype as any).x = 1;', 'no-global-mutation'],
    ['an undeclared assignment', '// @ts-ignore\nleaked = 1;', 'no-global-mutation'],
    ['constructor.constructor', "const f = (view as any).constructor.constructor('return this');", 'no-prototype-access'],
    ['Object.defineProperty on a built-in', "Object.defineProperty(Object.prototype, 'x', { value: 1 });", 'no-global-mutation'],
    ['process', '// @ts-ignore\nprocess.exit(1);', 'no-host'],
    ['console', '// @ts-ignore\nconsole.log(action);', 'no-host'],
    ['setTimeout', '// @ts-ignore\nsetTimeout(() => undefined, 1);', 'no-timers'],
    ['a Promise', 'void Promise.resolve(1);', 'no-async'],
    ['a Proxy', 'const p = new Proxy({}, {});', 'no-metaprogramming'],
    ['a top-level let', '', 'no-module-state', 'let calls = 0;'],
    ['a top-level var', '', 'no-module-state', 'var calls = 0;'],
    ['a module-level table mutated in a hook', 'SEEN.add(action.kind);', 'no-module-state', 'const SEEN = new Set<string>();'],
    ['a module-level object written in a hook', 'COUNTS.calls = (COUNTS.calls ?? 0) + 1;', 'no-module-state', 'const COUNTS: Record<string, number> = {};'],
    ['debugger', 'debugger;', 'no-debugger'],
    ['declare global', '', 'no-ambient', 'declare global { var leaked: number }'],
    ['with', 'with (action) {}', 'no-with'],
    ['await', 'await 1;', 'no-async'],
    ['a class that extends Function', '', 'no-eval', 'class Code extends Function {}'],
  ];

  it.each(lintCases)('fails at "lint" for %s', (_label, body, rule, top) => {
    const { stage, diagnostics } = failure(checker.check(guardModule(body, top)));
    expect(stage).toBe('lint');
    expect(diagnostics[0]).toMatch(new RegExp(`^probe\\.ts:\\d+:\\d+ ${rule}: `));
  });

  it('names the rule and what to do instead', () => {
    const { diagnostics } = failure(checker.check(guardModule('if (Math.random() > 0.5) return { block: "coin" };')));
    expect(diagnostics[0]).toContain('use view.rng()');
    const imported = failure(checker.check(guardModule('', "import fs from 'node:fs';")));
    // The lint explains; the type checker's "Cannot find module" on the same line is left out as noise.
    expect(imported.diagnostics).toHaveLength(1);
    expect(imported.diagnostics[0]).toContain("imports only 'bridle/harness'");
  });

  it('fails at "lint" for state kept on the module object, and for async hooks', () => {
    const source = (hook: string) => `import { defineModule } from 'bridle/harness';
export default defineModule({
  name: 'probe',
  why: 'exercises the checker',
  ${hook}
});
`;
    const onThis = failure(checker.check([{ file: 'probe.ts', source: source('guard() { (this as { calls?: number }).calls = 1; return undefined; },') }]));
    expect(onThis.diagnostics[0]).toMatch(/^probe\.ts:5:\d+ no-module-state: assigning to `this`/);
    const asynchronous = failure(checker.check([{ file: 'probe.ts', source: source('async regulate() { return undefined; },') }]));
    expect(asynchronous.diagnostics[0]).toMatch(/^probe\.ts:5:3 no-async: an async function/);
  });

  it('sends the type errors of other lines along with the lint errors', () => {
    const { stage, diagnostics } = failure(checker.check(guardModule('const count: number = view.step;\n    const wrong: number = view.instruction;\n    eval("1");')));
    expect(stage).toBe('lint');
    expect(diagnostics).toHaveLength(2);
    expect(diagnostics[0]).toMatch(/^probe\.ts:9:5 no-eval: /);
    expect(diagnostics[1]).toMatch(/^probe\.ts:8:\d+ TS2322 Type 'string' is not assignable to type 'number'/);
  });

  it('keeps legitimate code legal', () => {
    const body = `
    const random = () => view.rng();
    const epoch = new Date(0).toISOString();
    const local = new Map<string, number>();
    local.set('a', 1);
    const list: string[] = [];
    list.push(epoch);
    class Counter { count = 0; bump() { this.count++; return this; } }
    const counter = new Counter().bump();
    const when: unknown = action;
    if (when instanceof Date || random() > 2 || Math.max(counter.count, TABLE.size) < 0) return { block: list.join() };
    const { max } = Math;
    if (max(1, 2) === 3) return { block: String(Object.keys(TABLE)) };`;
    const top = `const TABLE = new Map<string, number>();
TABLE.set('built once', 1);
for (let index = 0; index < 3; index++) TABLE.set(String(index), index);`;
    const result = checker.check(guardModule(body, top));
    expect(result.ok ? [] : result.diagnostics).toEqual([]);
  });

  it('fails at "leak" for a real order id from a task plan', () => {
    const task = environment.tasks.find((candidate) => candidate.split === 'train')!;
    const orderId = environment
      .reset(task.id, 0)
      .oracle()
      .flatMap((step) => (step.action.kind === 'call' && typeof step.action.arguments.order_id === 'string' ? [step.action.arguments.order_id] : []))[0]!;
    expect(orderId).toMatch(/^#W\d+$/);
    const { stage, diagnostics } = failure(checker.check(guardModule(`if (action.kind === 'call' && action.arguments.order_id === '${orderId}') return { block: 'not this one' };`)));
    expect(stage).toBe('leak');
    expect(diagnostics[0]).toMatch(/^probe\.ts:\d+:\d+ leak-value: /);
    expect(diagnostics[0]).toContain(orderId);
    // Splitting the literal does not hide it.
    const split = failure(checker.check(guardModule(`if (view.instruction.includes('${orderId.slice(0, 4)}' + '${orderId.slice(4)}')) return { block: 'no' };`)));
    expect(split.stage).toBe('leak');
  });

  it('fails at "leak" for a copied instruction sentence', () => {
    const instruction = corpus.instructions[5]!;
    const sentence = instruction.slice(10, 60).replace(/'/g, '');
    const { stage, diagnostics } = failure(checker.check(guardModule(`if (view.instruction.includes('${sentence}')) return { block: 'known task' };`)));
    expect(stage).toBe('leak');
    expect(diagnostics[0]).toMatch(/^probe\.ts:\d+:\d+ leak-instruction: /);
  });

  it('fails at "compile" for a file name that could become a path', () => {
    const result = failure(checker.check([{ file: '../bridle/harness.ts', source: FIXTURE_FILES[0]!.source }]));
    expect(result.stage).toBe('compile');
    expect(result.diagnostics[0]).toContain('kebab-case .ts names');
  });

  it('is reusable: a warm check is fast, and an earlier candidate never affects the next', () => {
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      // A failing candidate with an extra file and a clashing module name...
      const bad = failure(checker.check([...FIXTURE_FILES, { file: 'extra.ts', source: FIXTURE_FILES[0]!.source }]));
      expect(bad.diagnostics.join('\n')).toContain('already used by tolerant-parse.ts');
      // ...leaves nothing behind for the good one.
      const good = checker.check(FIXTURE_FILES);
      expect(good.ok).toBe(true);
      times.push(good.ms);
    }
    times.sort((a, b) => a - b);
    expect(times[2]!).toBeLessThan(1000);
  });

  it('does not let one candidate see another candidate\'s names', () => {
    const types = createTypeChecker();
    const first = types.check([
      ...guardModule(''),
      { file: 'helper.ts', source: "import { defineModule } from 'bridle/harness';\nconst SHARED = 1;\nexport default defineModule({ name: 'helper', why: 'x', regulate() { return SHARED > 1 ? { stop: 'x' } : undefined; } });\n" },
    ]);
    expect(first.ok).toBe(true);
    const count = types.workspace.project.getSourceFiles().length;
    const second = types.check(guardModule('if (SHARED) return { block: "x" };'));
    expect(second.ok).toBe(false);
    expect(second.diagnostics[0]).toContain("Cannot find name 'SHARED'");
    for (let round = 0; round < 5; round++) types.check(FIXTURE_FILES);
    expect(types.workspace.project.getSourceFiles().length).toBeLessThanOrEqual(count + FIXTURE_FILES.length);
    types.check(guardModule(''));
    expect(types.workspace.project.getSourceFiles().map((file) => file.getBaseName()).sort()).toEqual(['harness.ts', 'probe.ts']);
  });
});

describe('the stages on their own', () => {
  it('lintHarness and scanForLeaks pass the example harness', () => {
    expect(lintHarness(FIXTURE_FILES)).toEqual([]);
    expect(scanForLeaks(FIXTURE_FILES, corpus)).toEqual([]);
  });

  it('buildLeakCorpus keeps public values out and gold values in', () => {
    expect(corpus.instructions).toHaveLength(environment.tasks.length);
    expect(corpus.values).not.toContain('no longer needed'); // a cancel reason the rules spell out
    expect(corpus.values).not.toContain('cancel_pending_order'); // a tool name
    expect(corpus.values.some((value) => /^#W\d{7}$/.test(value))).toBe(true);
    expect(corpus.values.some((value) => /@example\./.test(value))).toBe(true);
    expect(corpus.values.every((value) => value.length >= 5)).toBe(true);
  });

  it('scanForLeaks flags hard-coded gold numbers but not round limits', () => {
    const amount = corpus.values.find((value) => /^\d+\.\d{2}$/.test(value) && value.length >= 6)!;
    expect(scanForLeaks(guardModule(`if (${amount} > 1) return { block: 'x' };`), corpus)[0]).toMatch(/leak-value: the number/);
    expect(scanForLeaks(guardModule('if (10000 > 1) return { block: "x" };'), corpus)).toEqual([]);
  });

  it('harnessApiSource is the API module engineers are given', () => {
    expect(harnessApiSource()).toBe(readFileSync(new URL('../../src/harness/api.ts', import.meta.url), 'utf8'));
  });
});
