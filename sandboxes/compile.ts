/**
 * Harness compilation: TypeScript module sources → CommonJS JavaScript, once per module, plus the
 * harness's content hash. Type-checking and linting happen before this (src/meta); this only transpiles,
 * rejecting what cannot be transpiled at all (syntax errors, oversize sources, bad file names).
 */
import { createHash } from 'node:crypto';
import { ts } from 'ts-morph';
import { BridleError } from '../src/errors.ts';
import { DEFAULT_SANDBOX_LIMITS, type CompiledHarness, type CompiledModule, type SandboxLimits } from './types.ts';

/** One module file of a harness, as written. */
export interface HarnessSource {
  /** File name within the harness folder, e.g. "tolerant-parse.ts". */
  file: string;
  /** The TypeScript source. */
  source: string;
}

const HASH_DOMAIN = 'bridle-harness-v1\n';
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.ts$/;

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  // The output must be plain CommonJS whatever the repository's tsconfig says.
  verbatimModuleSyntax: false,
  sourceMap: false,
  inlineSourceMap: false,
  removeComments: false,
};

/**
 * The content hash of a harness: sha256 over each file name and source, in order, length-prefixed so
 * that no two different harnesses can collide by moving text between files. The empty harness has the
 * fixed hash `EMPTY_HARNESS_HASH`.
 */
export function harnessContentHash(files: readonly HarnessSource[]): string {
  const hash = createHash('sha256');
  hash.update(HASH_DOMAIN);
  for (const { file, source } of files) {
    hash.update(`${Buffer.byteLength(file)}:${file}\n${Buffer.byteLength(source)}:`);
    hash.update(source);
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** The content hash of the empty harness (the baseline: the raw model on the raw environment). */
export const EMPTY_HARNESS_HASH: string = harnessContentHash([]);

/** The empty harness, compiled. */
export const EMPTY_HARNESS: CompiledHarness = Object.freeze({ contentHash: EMPTY_HARNESS_HASH, modules: [] }) as CompiledHarness;

/**
 * Transpile one TypeScript file to CommonJS. Throws a `HARNESS_INVALID` BridleError on syntax errors.
 * Also used for the sandbox prelude (src/harness/compose.ts and friends).
 */
export function transpileToCommonJs(source: string, file: string): string {
  const output = ts.transpileModule(source, { compilerOptions: COMPILER_OPTIONS, fileName: file, reportDiagnostics: true });
  // Only diagnostics in the source itself: option diagnostics are ours to fix, not the harness author's.
  const first = output.diagnostics?.find((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error && diagnostic.file !== undefined);
  if (first) {
    const where = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : undefined;
    const position = where ? `:${where.line + 1}:${where.character + 1}` : '';
    const message = ts.flattenDiagnosticMessageText(first.messageText, ' ');
    throw new BridleError('HARNESS_INVALID', `${file}${position}: ${message}`);
  }
  return output.outputText;
}

/**
 * Compile a harness: check file names and total size, transpile each module once, hash the sources.
 * Throws a `HARNESS_INVALID` BridleError when the harness cannot be compiled.
 */
export function compileHarness(
  files: readonly HarnessSource[],
  limits: Partial<Pick<SandboxLimits, 'maxSourceBytes'>> = {},
): CompiledHarness {
  const maxSourceBytes = limits.maxSourceBytes ?? DEFAULT_SANDBOX_LIMITS.maxSourceBytes;
  const seen = new Set<string>();
  let totalBytes = 0;
  for (const { file, source } of files) {
    if (typeof file !== 'string' || !FILE_NAME.test(file)) {
      throw new BridleError('HARNESS_INVALID', `harness file name ${JSON.stringify(file)} is not a plain .ts file name (letters, digits, ".", "_", "-")`);
    }
    if (seen.has(file)) throw new BridleError('HARNESS_INVALID', `harness file ${file} appears twice`);
    seen.add(file);
    if (typeof source !== 'string') throw new BridleError('HARNESS_INVALID', `harness file ${file} has no source text`);
    totalBytes += Buffer.byteLength(source);
  }
  if (totalBytes > maxSourceBytes) {
    throw new BridleError(
      'HARNESS_INVALID',
      `harness source is ${totalBytes} bytes, over the limit of ${maxSourceBytes} bytes (maxSourceBytes)`,
    );
  }
  const modules: CompiledModule[] = files.map(({ file, source }) => ({
    file,
    source,
    javascript: transpileToCommonJs(source, file),
  }));
  return { contentHash: harnessContentHash(files), modules };
}
