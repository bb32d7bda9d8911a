/**
 * `npm run build`: the package's `dist/`, from the sources. `prepare` runs it, so npm builds before
 * `npm pack` and `npm publish`, after `npm install` in a checkout, and in the temporary clone it makes
 * when a project installs bridle from a git URL (`prepack` alone would not build there: npm installs a
 * git dependency's devDependencies only when it has a `prepare` script).
 *
 * tsc compiles the runtime folders (the `include` of tsconfig.build.json: src/, sandboxes/,
 * environments/) to ESM JavaScript in a tree that mirrors the repository (dist/src, dist/sandboxes,
 * dist/environments), with declarations in dist/types. Mirroring matters: modules find files relative to
 * themselves (`new URL('../harness/api.ts', import.meta.url)`), and those paths stay true in dist.
 *
 * Then every file of those folders is copied beside the JavaScript, by folder, never by a list: the
 * report's CSS and viewer, the engineer's prompts, and the TypeScript sources that bridle reads as text
 * at run time (the harness API the checker type-checks against, the files the isolate prelude is built
 * from). The sources sit only in the JavaScript tree, never beside the declarations, so a consumer's
 * TypeScript resolves `.d.ts` files and never type-checks bridle's sources.
 *
 * Runs on plain Node 24 (type stripping); needs the devDependency typescript.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist');
const tsconfig = join(root, 'tsconfig.build.json');

/** The folders that make up the runtime: the one list, in tsconfig.build.json. */
const folders = (JSON.parse(readFileSync(tsconfig, 'utf8')) as { include: string[] }).include;

rmSync(out, { recursive: true, force: true });

const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', tsconfig], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) {
  console.error(`build: tsc failed (exit ${compiled.status ?? compiled.signal})`);
  process.exit(1);
}

for (const folder of folders) {
  // tsc emits X.js only from X.ts, so a copy never meets compiled output (and would not replace it).
  cpSync(join(root, folder), join(out, folder), { recursive: true, force: false, errorOnExist: false });
}
console.error(`build: dist/ from ${folders.join(', ')}`);
