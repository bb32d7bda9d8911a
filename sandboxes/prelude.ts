/**
 * The isolate prelude: the trusted JavaScript that runs first in every fresh context.
 *
 * It is a tiny CommonJS bundle of the files both runners share — the harness API runtime
 * (src/harness/api.ts), the fold (src/harness/compose.ts), the seeded generator (src/util/random.ts) and
 * the dispatcher (sandboxes/dispatch.ts) — transpiled from their sources once per process. Evaluated in
 * a context, it removes the clock and `Math.random`, leaves no globals behind, and completes with the
 * dispatcher's entry function (see `DispatchEntry`), the only thing the host holds a reference to.
 * Each harness gets one script: the prelude followed by the load of its modules.
 */
import { readFileSync } from 'node:fs';
import { transpileToCommonJs } from './compile.ts';
import type { DispatchConfig } from './dispatch.ts';

const EMBEDDED: readonly { id: string; url: URL }[] = [
  { id: 'src/harness/api.ts', url: new URL('../src/harness/api.ts', import.meta.url) },
  { id: 'src/harness/compose.ts', url: new URL('../src/harness/compose.ts', import.meta.url) },
  { id: 'src/util/random.ts', url: new URL('../src/util/random.ts', import.meta.url) },
  { id: 'sandboxes/dispatch.ts', url: new URL('./dispatch.ts', import.meta.url) },
];

let cached: string | undefined;

/** The prelude's JavaScript source, built once per process. */
export function preludeSource(): string {
  if (cached !== undefined) return cached;
  const definitions = EMBEDDED.map(({ id, url }) => {
    const javascript = transpileToCommonJs(readFileSync(url, 'utf8'), id);
    return `${JSON.stringify(id)}: function (exports, require, module) {\n${javascript}\n}`;
  }).join(',\n');
  cached = `(function () {
'use strict';
const definitions = {
${definitions}
};
const cache = Object.create(null);
function resolve(from, specifier) {
  if (specifier[0] !== '.') throw new Error('prelude: unknown module ' + specifier);
  const parts = from.split('/');
  parts.pop();
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}
function load(id) {
  if (cache[id]) return cache[id].exports;
  const definition = definitions[id];
  if (!definition) throw new Error('prelude: unknown module ' + id);
  const module = { exports: {} };
  cache[id] = module;
  definition.call(module.exports, module.exports, (specifier) => load(resolve(id, specifier)), module);
  return module.exports;
}
const dispatch = load('sandboxes/dispatch.ts');
dispatch.hardenRealm(globalThis);
return dispatch.createDispatchEntry();
})()`;
  return cached;
}

/** The global through which the host hands the probe's shared memory to a fresh context (read, then deleted). */
export const PROBE_GLOBAL = '__bridleProbe';

/**
 * The script that makes a context a harness's: it runs the prelude, loads the modules (their CommonJS
 * bodies wrapped as factories, called by the dispatcher's loader) and completes with the dispatcher's
 * entry function; the load's answer is then available as `entry('loaded')`. One script per harness, so
 * that preparing a context is a single call into the isolate.
 *
 * The factories are written in the script's top-level scope, outside the function that holds the entry
 * and the probe, so module code cannot name either of them.
 */
export function harnessScriptSource(modules: readonly { javascript: string }[], config: DispatchConfig): string {
  // The newline before each closing brace keeps a trailing line comment in a module from eating it.
  const factories = modules.map((module) => `function (exports, require, module) {\n${module.javascript}\n}`);
  return `(function (factories) {
const probe = globalThis.${PROBE_GLOBAL};
delete globalThis.${PROBE_GLOBAL};
const entry = ${preludeSource()};
entry('load', ${JSON.stringify(JSON.stringify(config))}, probe, ...factories);
return entry;
})([${factories.join(',\n')}])`;
}

/** One module alone as a script, to find which module of a harness does not compile. */
export function moduleScriptSource(javascript: string): string {
  return `(function (exports, require, module) {\n${javascript}\n})`;
}
