/**
 * The npm package: what `npm pack` would publish (its `prepare` builds dist/ first), and the built
 * package run with plain node, no tsx: the CLI, an evaluation whose harness runs in isolates in
 * compiled worker processes, and the config loader's tsx fallback. The full install-and-use path is
 * `npm run test:package` (scripts/package-smoke.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_HARNESS_DIR } from '../helpers/episodes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'bridle.js');
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  exports: Record<string, string | Record<string, string>>;
  dependencies: Record<string, string>;
};
const ONE_MB = 1024 * 1024;

interface PackedFile {
  path: string;
  size: number;
}

let files: PackedFile[] = [];
let paths = new Set<string>();
const scratch = mkdtempSync(join(tmpdir(), 'bridle-pack-'));

/** Plain node, no tsx, snapshot flag and loaders decided by each call. */
function node(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, args, {
    cwd: options.cwd ?? scratch,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', BRIDLE_CLI: 'dist', ...options.env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  // prepare builds dist/ first, so the listing is the package as it would be published.
  const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (packed.status !== 0) throw new Error(`npm pack --dry-run failed:\n${packed.stderr}`);
  files = (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { files: PackedFile[] }[])[0]!.files;
  paths = new Set(files.map((file) => file.path));
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm pack', () => {
  it('holds no secrets, nothing over 1 MB, no tests, fixtures, run folders or sources outside dist/', () => {
    expect(files.length).toBeGreaterThan(100);
    const secret = /(^|\/)(\.env(\..*)?|\.npmrc|id_(rsa|ed25519|ecdsa)(\.pub)?|.*\.(pem|key|p12|pfx))$/;
    expect(files.filter((file) => secret.test(file.path))).toEqual([]);
    expect(files.filter((file) => file.size > ONE_MB)).toEqual([]);
    const topLevel = new Set(files.map((file) => file.path.split('/')[0]));
    expect([...topLevel].sort()).toEqual(['LICENSE', 'README.md', 'bin', 'dist', 'docs', 'package.json']);
    expect(files.filter((file) => /(^|\/)(tests?|fixtures|\.bridle|node_modules|harnesses)\//.test(file.path))).toEqual([]);
    expect(files.filter((file) => /\.test\.[cm]?[jt]s$/.test(file.path))).toEqual([]);
  });

  it('has every entry point, with declarations apart from the sources read as text', () => {
    for (const file of ['package.json', 'README.md', 'LICENSE', 'bin/bridle.js']) expect(paths).toContain(file);
    // Every target but the "bridle-source" condition, which only this repository turns on (its sources).
    const targets = Object.entries(MANIFEST.exports).flatMap(([entry, target]) =>
      (typeof target === 'string' ? [['default', target] as const] : Object.entries(target))
        .filter(([condition]) => condition !== 'bridle-source')
        .map(([, path]) => ({ entry, path: path.replace(/^\.\//, '') })),
    );
    expect([...new Set(targets.map((target) => target.entry))]).toEqual(['.', './harness', './toolkit', './package.json']);
    for (const { entry, path } of targets) expect(paths, `${entry} → ${path}`).toContain(path);
    // A consumer's TypeScript resolves .d.ts files only: no TypeScript source sits in the declarations.
    expect(files.filter((file) => file.path.startsWith('dist/types/') && !file.path.endsWith('.d.ts'))).toEqual([]);
  });

  it('ships every file the compiled code finds relative to itself', () => {
    const missing: string[] = [];
    for (const file of files.filter((candidate) => candidate.path.endsWith('.js') && candidate.path.startsWith('dist/'))) {
      const text = readFileSync(join(ROOT, file.path), 'utf8');
      for (const match of text.matchAll(/new URL\('([^'`$]+)', import\.meta\.url\)/g)) {
        const target = new URL(match[1]!, `file:///${file.path}`).pathname.slice(1);
        const wanted = target.endsWith('/') ? [...paths].some((path) => path.startsWith(target)) : paths.has(target);
        if (!wanted) missing.push(`${file.path}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
    // The prelude and the checker read these as text; the report and the engineer read assets.
    for (const file of ['dist/src/harness/api.ts', 'dist/src/harness/compose.ts', 'dist/sandboxes/dispatch.ts', 'dist/src/report/assets/report.css', 'dist/src/meta/engineers/llm/prompt-v1.md']) {
      expect(paths).toContain(file);
    }
  });

  it('declares what it needs at run time, and not tsx', () => {
    expect(Object.keys(MANIFEST.dependencies)).not.toContain('tsx');
    expect(Object.keys(MANIFEST.dependencies)).toEqual(expect.arrayContaining(['isolated-vm', 'ts-morph', 'zod', 'commander', 'simple-git']));
  });
});

describe('the built package, plain node', () => {
  it('bridle --version and --help', () => {
    const version = node([BIN, '--version']);
    expect(version.stdout.trim()).toBe(MANIFEST.version);
    const help = node([BIN, '--help']);
    expect(help.code).toBe(0);
    for (const verb of ['init', 'eval', 'evolve', 'review', 'show', 'adopt', 'revert', 'pin', 'pins', 'report']) expect(help.stdout).toMatch(new RegExp(`\\n  ${verb} `));
  });

  it('builds the command line without loading the heavy modules (the verbs import them when they run)', () => {
    // A load hook records every module the help path loads.
    const hook = `import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
process.on('exit', () => process.stderr.write(JSON.stringify(loaded)));`;
    const result = node(['--import', `data:text/javascript,${encodeURIComponent(hook)}`, BIN, '--help']);
    expect(result.code).toBe(0);
    const loaded = (JSON.parse(result.stderr) as string[]).map((url) => url.replace(/^.*\/node_modules\//, 'node_modules/').replace(ROOT, ''));
    const heavy = loaded.filter((url) => /node_modules\/(ts-morph|@ts-morph|isolated-vm|@anthropic-ai|simple-git|typescript)\/|dist\/src\/(report|meta\/check|api|models\/(anthropic|openai|llamacpp))\//.test(url));
    expect(heavy).toEqual([]);
    expect(loaded.length).toBeLessThan(200);
  });

  it('evaluates with a harness in isolates in compiled worker processes, and refuses an in-process isolate without the flag', () => {
    const script = join(scratch, 'evaluate.mjs');
    writeFileSync(
      script,
      [
        `import { evaluate } from ${JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'))};`,
        `const options = { env: 'retail', backbones: ['sim/scatter'], tasks: ['retail-001', 'retail-002'], trials: 1, harness: ${JSON.stringify(EXAMPLE_HARNESS_DIR)}, record: false };`,
        'const pooled = await evaluate({ ...options, workers: 1 });',
        'const trajectory = pooled.trajectories[0];',
        "const inProcess = await evaluate({ ...options, workers: 0 }).then(() => 'ran', (error) => `${error.code}: ${error.message}`);",
        'console.log(JSON.stringify({ episodes: pooled.trajectories.length, runner: trajectory.runner, modules: trajectory.harness.modules.length, violations: pooled.trajectories.flatMap((t) => t.violations), inProcess }));',
      ].join('\n'),
    );
    const result = node([script]);
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ episodes: 2, runner: 'isolate', modules: 6, violations: [] });
    expect(output.inProcess).toMatch(/^MISSING_DEPENDENCY: .*NODE_OPTIONS=--no-node-snapshot/);
  });

  it('loads a bridle.config.ts Node cannot strip through tsx when tsx is installed', () => {
    const project = mkdtempSync(join(scratch, 'config-'));
    writeFileSync(join(project, 'bridle.config.ts'), "enum Trials { Two = 2 }\nexport default { eval: { backbones: ['sim/rush'], trials: Trials.Two, harness: 'none' } };\n");
    const result = node([BIN, 'eval', '--env', 'retail', '--tasks', 'retail-001', '--no-record', '--json'], { cwd: project });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ trials: 2, backbones: [{ backbone: 'sim/rush', episodes: 2 }] });
  });
});
