/**
 * `npm run test:package` (run by .ci/run): bridle as a user gets it. Packs the repository, installs the
 * tarball into a fresh project outside it (dependencies from the npm registry), and there:
 *
 *  - runs the README's "From a script" evolve example (2 iterations) and its "Library" evaluate example
 *    with plain `node` (no tsx anywhere: the project's own .ts files run through Node's type stripping);
 *  - adopts and pins the evolved harness with `npx bridle`, and loads the pin with the README's
 *    `loadHarness` lines, under NODE_OPTIONS=--no-node-snapshot, then without it (one clear error);
 *  - runs docs/production.md's Anthropic SDK example as written against a local Messages API;
 *  - lists and evaluates docs/environments.md's example environment (written against 'bridle/toolkit',
 *    registered in bridle.config.ts, loaded by Node in worker processes) with `npx bridle`;
 *  - runs `npx bridle eval --env retail --trials 1`, and `bridle eval` with a `bridle.config.ts`
 *    importing `defineConfig` from 'bridle' (loaded by Node) and one using an enum (a one-line error);
 *  - type-checks a consumer file that uses evaluate, evolve, loadHarness, defineModule and defineTool
 *    against the shipped declarations with tsc.
 *
 * Runs on plain Node 24 (type stripping). Prints each step's duration; exits 1 on the first failure.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repository, 'package.json'), 'utf8')) as { version: string };
const readme = readFileSync(join(repository, 'README.md'), 'utf8');
const require = createRequire(import.meta.url);
const typesNodeVersion = (JSON.parse(readFileSync(require.resolve('@types/node/package.json'), 'utf8')) as { version: string }).version;
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');

const scratch = mkdtempSync(join(tmpdir(), 'bridle-package-'));
const project = join(scratch, 'project');
// Commits made by `bridle init`, `adopt` and `pin` need an identity whatever the machine's git config.
const gitIdentity = { GIT_AUTHOR_NAME: 'Smoke Test', GIT_AUTHOR_EMAIL: 'smoke@example.com', GIT_COMMITTER_NAME: 'Smoke Test', GIT_COMMITTER_EMAIL: 'smoke@example.com' };
// Only what each step passes decides about the snapshot flag and loaders.
const baseEnvironment: NodeJS.ProcessEnv = { ...process.env, ...gitIdentity, NODE_OPTIONS: '', BRIDLE_CLI: '' };

const started = performance.now();

class StepFailure extends Error {}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; expectFailure?: boolean }): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? baseEnvironment, encoding: 'utf8', timeout: 300_000 });
  const failed = result.status !== 0;
  if (failed !== (options.expectFailure ?? false)) {
    throw new StepFailure(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.status ?? result.signal}${options.expectFailure ? ', expected a failure' : ''}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

function check(condition: boolean, message: string, output?: SpawnSyncReturns<string>): void {
  if (!condition) throw new StepFailure(`${message}${output ? `\n--- stdout\n${output.stdout}\n--- stderr\n${output.stderr}` : ''}`);
}

function step(name: string, body: () => void): void {
  const from = performance.now();
  body();
  console.log(`ok ${((performance.now() - from) / 1000).toFixed(1).padStart(5)} s  ${name}`);
}

/** The first ```ts block of `text` that contains `marker` or comes after it. */
function tsBlock(marker: string, text = readme, name = 'README.md'): string {
  const at = text.indexOf(marker);
  check(at >= 0, `${name} has no "${marker}"`);
  for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    if (match.index + match[0].length > at) return match[1]!;
  }
  throw new StepFailure(`${name} has no ts block at or after "${marker}"`);
}

/**
 * Run docs/production.md's example (a loop around the Anthropic SDK) against a local server speaking
 * the Messages API whose model always finishes at once: the point is that the documented code runs
 * from plain node against the installed package, not what the model does.
 */
async function productionExample(): Promise<void> {
  const from = performance.now();
  const documented = readFileSync(join(repository, 'docs', 'production.md'), 'utf8');
  writeFileSync(join(project, 'support-agent.mts'), tsBlock('// support-agent.mts', documented, 'docs/production.md'));
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: `msg_${requests}`,
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-5-5',
          content: [{ type: 'tool_use', id: `toolu_${requests}`, name: 'finish', input: { message: 'Your order is cancelled.' } }],
          stop_reason: 'tool_use',
          stop_sequence: null,
          usage: { input_tokens: 10, output_tokens: 10 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const child = spawn(process.execPath, ['--no-node-snapshot', 'support-agent.mts'], {
      cwd: project,
      env: { ...baseEnvironment, ANTHROPIC_API_KEY: 'smoke-test-key', ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const output = { stdout, stderr, status: code } as SpawnSyncReturns<string>;
    check(code === 0 && /^reply: /m.test(stdout) && /^solved: (true|false)$/m.test(stdout) && requests > 0, 'the docs/production.md example did not run', output);
  } finally {
    server.close();
  }
  console.log(`ok ${((performance.now() - from) / 1000).toFixed(1).padStart(5)} s  docs/production.md example, plain node, local Messages API`);
}

const npx = (args: string[], cwd = project, env = baseEnvironment) => run('npx', ['--no-install', 'bridle', ...args], { cwd, env });

try {
  let tarball = '';
  step('npm pack (prepare builds dist/)', () => {
    const packed = run('npm', ['pack', '--pack-destination', scratch, '--json', '--silent'], { cwd: repository });
    const listing = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[];
    tarball = join(scratch, listing[0]!.filename);
    check(existsSync(tarball), `no tarball at ${tarball}`);
  });

  step('npm install <tarball> into a fresh project', () => {
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'bridle-smoke', private: true, type: 'module' }, null, 2)}\n`);
    const installed = run('npm', ['install', '--no-audit', '--no-fund', tarball, `@types/node@${typesNodeVersion}`], { cwd: project });
    check(!/esbuild|tsx/.test(installed.stderr), 'installing bridle mentions esbuild or tsx', installed);
    check(!existsSync(join(project, 'node_modules', 'tsx')), 'tsx was installed with bridle: it must not be a runtime dependency');
  });

  step('npx bridle --version, init', () => {
    check(npx(['--version']).stdout.trim() === manifest.version, `bridle --version is not ${manifest.version}`);
    npx(['init']);
  });

  step('README "From a script": evolve, 2 iterations, plain node', () => {
    const example = tsBlock('**From a script:**');
    check(example.includes('iterations: 6'), 'the README example no longer says "iterations: 6"');
    writeFileSync(join(project, 'evolve.ts'), example.replace('iterations: 6', 'iterations: 2'));
    const evolved = run(process.execPath, ['--no-node-snapshot', 'evolve.ts'], { cwd: project });
    check(/harness\(retail\): /.test(evolved.stdout) && /heldout: true/.test(evolved.stdout), 'the evolve example printed no commits or test table', evolved);
  });

  step('README "Library": evaluate, plain node', () => {
    writeFileSync(join(project, 'evaluate.ts'), tsBlock('## Library'));
    const evaluated = run(process.execPath, ['evaluate.ts'], { cwd: project });
    check(/backbone: 'sim\/rush'/.test(evaluated.stdout) && /successRate/.test(evaluated.stdout), 'the evaluate example printed no summary', evaluated);
  });

  step('npx bridle adopt, pin', () => {
    const runs = JSON.parse(npx(['review', '--json']).stdout) as { runId: string; commits: unknown[] }[];
    check(runs.length === 1 && runs[0]!.commits.length > 0, `expected one run with commits, got ${JSON.stringify(runs.map((run) => run.runId))}`);
    npx(['adopt', runs[0]!.runId]);
    npx(['pin', 'retail', 'HEAD']);
  });

  step('README loadHarness on the pin: NODE_OPTIONS=--no-node-snapshot, then without', () => {
    const lines = tsBlock("import { loadHarness } from 'bridle';").split('\n');
    const script = [
      ...lines.slice(0, 3), // import, loadHarness, harness.evaluate()
      'console.log(JSON.stringify({ modules: harness.modules, reproduced: reproduced.reproduced }));',
      'await harness.close();',
    ].join('\n');
    check(script.includes("loadHarness({ env: 'retail', pin: 'production' })") && script.includes('harness.evaluate()'), 'the README loadHarness lines changed');
    writeFileSync(join(project, 'load.ts'), script);
    const loaded = run(process.execPath, ['load.ts'], { cwd: project, env: { ...baseEnvironment, NODE_OPTIONS: '--no-node-snapshot' } });
    const output = JSON.parse(loaded.stdout) as { modules: string[]; reproduced: boolean };
    check(output.modules.length > 0 && output.reproduced, `the pinned harness did not reproduce its scores: ${loaded.stdout}`);
    const refused = run(process.execPath, ['load.ts'], { cwd: project, expectFailure: true });
    check(/MISSING_DEPENDENCY/.test(refused.stderr) && refused.stderr.includes('NODE_OPTIONS=--no-node-snapshot'), 'without the flag, loadHarness did not name the fix', refused);
  });

  await productionExample();

  step('npx bridle eval --env retail --trials 1', () => {
    const evaluated = npx(['eval', '--env', 'retail', '--trials', '1']);
    check(/sim\/mixed \(simulated\)/.test(evaluated.stdout) && /\(\d+ modules\)/.test(evaluated.stdout), 'bridle eval printed no table for the evolved harness', evaluated);
  });

  step('bridle.config.ts: loaded by Node; an enum says what to do', () => {
    const configured = join(project, 'configured');
    mkdirSync(configured);
    writeFileSync(
      join(configured, 'bridle.config.ts'),
      "import { defineConfig } from 'bridle';\nconst backbones: string[] = ['sim/rush'];\nexport default defineConfig({ eval: { backbones, trials: 1, harness: 'none' } });\n",
    );
    const result = JSON.parse(npx(['eval', '--env', 'retail', '--tasks', 'retail-001', '--no-record', '--json'], configured).stdout) as { backbones: { backbone: string }[] };
    check(result.backbones.map((row) => row.backbone).join() === 'sim/rush', `the config was not applied: ${JSON.stringify(result.backbones)}`);
    const enumerated = join(project, 'enumerated');
    mkdirSync(enumerated);
    writeFileSync(join(enumerated, 'bridle.config.ts'), 'enum Trials { One = 1 }\nexport default { eval: { trials: Trials.One } };\n');
    const refused = run('npx', ['--no-install', 'bridle', 'eval', '--env', 'retail'], { cwd: enumerated, expectFailure: true });
    check(refused.status === 2 && /enum/.test(refused.stderr) && /npm install --save-dev tsx/.test(refused.stderr) && refused.stderr.trim().split('\n').length === 1, 'an enum in the config did not give one line naming the fix', refused);
  });

  step('docs/environments.md: a user environment on bridle/toolkit, npx bridle envs and eval', () => {
    const documented = readFileSync(join(repository, 'docs', 'environments.md'), 'utf8');
    const own = join(project, 'own-environment');
    mkdirSync(join(own, 'envs'), { recursive: true });
    writeFileSync(join(own, 'envs', 'library.ts'), tsBlock('// envs/library.ts', documented, 'docs/environments.md'));
    writeFileSync(join(own, 'bridle.config.ts'), tsBlock('// bridle.config.ts', documented, 'docs/environments.md'));
    const listings = JSON.parse(npx(['envs', '--json'], own).stdout) as { name: string; tasks?: Record<string, number> }[];
    check(listings.some((listing) => listing.name === 'library' && (listing.tasks?.train ?? 0) > 0), `bridle envs does not list the library environment: ${JSON.stringify(listings)}`);
    const evaluated = JSON.parse(npx(['eval', '--env', 'library', '--backbone', 'sim/oracle', '--trials', '1', '--workers', '2', '--no-record', '--json'], own).stdout) as { backbones: { successRate: number }[] };
    check(evaluated.backbones[0]?.successRate === 1, `the oracle did not solve every test task of the library environment: ${JSON.stringify(evaluated.backbones)}`);
  });

  step('tsc --noEmit on a consumer of the shipped types', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      `${JSON.stringify({ compilerOptions: { strict: true, target: 'es2024', module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], noEmit: true }, files: ['consumer.ts'] }, null, 2)}\n`,
    );
    writeFileSync(
      join(project, 'consumer.ts'),
      [
        "import { evaluate, evolve, loadHarness, defineModule, BridleError, type EvaluateResult, type EvolveResult, type LoadedHarness, type HarnessModule } from 'bridle';",
        "import { defineModule as defineHarnessModule, type GuardVerdict } from 'bridle/harness';",
        "import { defineTool, param } from 'bridle/toolkit';",
        '',
        "const evaluation: EvaluateResult = await evaluate({ env: 'retail', backbones: ['sim/rush'], trials: 1, harness: 'none' });",
        'const rates: number[] = evaluation.summaries.map((summary) => summary.successRate);',
        "const evolved: EvolveResult = await evolve({ env: 'retail', iterations: 2 });",
        'const subjects: string[] = evolved.commits.map((commit) => commit.subject);',
        "const harness: LoadedHarness = await loadHarness({ env: 'retail', pin: 'production' });",
        'const reproduced: boolean = (await harness.evaluate()).reproduced;',
        'const guard: HarnessModule = defineModule({',
        "  name: 'finish-check',",
        "  why: 'Episodes were finished while work remained.',",
        '  guard(action, view): GuardVerdict | undefined {',
        "    if (action.kind !== 'finish' || view.trajectory.length > 3) return undefined;",
        "    return { block: 'Is every change done?' };",
        '  },',
        '});',
        "const empty: HarnessModule = defineHarnessModule({ name: 'noop', why: 'nothing' });",
        "const lookup = defineTool<{ names: string[] }>({ name: 'count_names', readOnly: true, description: 'How many names.', parameters: { prefix: param.string() }, run: (state, args) => String(state.names.filter((name) => name.startsWith(String(args.prefix))).length) });",
        '// @ts-expect-error: the types are real, not any: iterations is a number',
        "await evolve({ env: 'retail', iterations: 'two' });",
        'console.log(rates, subjects, reproduced, guard.name, empty.name, lookup.schema.name, BridleError.isInstance(null));',
        '',
      ].join('\n'),
    );
    run(process.execPath, [tsc, '-p', project], { cwd: project });
  });

  console.log(`package smoke test passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(error instanceof StepFailure ? `package smoke test FAILED: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
