/**
 * The warm ts-morph project every check runs in. Building a TypeScript program from nothing costs
 * about 100 ms (lib files, the harness API); swapping only the candidate's files keeps a warm check at
 * tens of milliseconds, which is what lets the meta-loop afford repair turns (DESIGN.md §8: type-check
 * latency per candidate, warm).
 */
import { readFileSync } from 'node:fs';
import { Project, ts, type SourceFile } from 'ts-morph';
import { BridleError } from '../../errors.ts';
import type { HarnessFile } from '../../store/harness-files.ts';

/** The one module specifier a harness module may import. */
export const HARNESS_SPECIFIER = 'bridle/harness';

/** Where the harness API lives in the in-memory file system. */
const API_PATH = '/bridle/harness.ts';
/** Where candidate modules live in the in-memory file system. */
const CANDIDATE_FOLDER = '/harness';

/**
 * The options of the repository's tsconfig.json that matter to harness code, with two differences on
 * purpose: no `@types/node` and no DOM lib, so host APIs (`process`, `console`, `setTimeout`, `window`)
 * simply do not exist for a module; and every file is a module, so one candidate's top-level names can
 * never become globals that another file (or a later candidate) sees.
 */
const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  target: ts.ScriptTarget.ES2024,
  lib: ['lib.es2024.d.ts'],
  types: [],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  paths: { [HARNESS_SPECIFIER]: [API_PATH] },
};

let apiSource: string | undefined;

/**
 * The source text of the harness API (`src/harness/api.ts`), read once: what modules import as
 * `bridle/harness`, and the `apiTypes` an engineer is given.
 */
export function harnessApiSource(): string {
  apiSource ??= readFileSync(new URL('../../harness/api.ts', import.meta.url), 'utf8');
  return apiSource;
}

/** A warm project holding the harness API and at most one candidate's module files. */
export interface HarnessWorkspace {
  /** The ts-morph project (for the checker and the AST). */
  readonly project: Project;
  /**
   * Replace the previous candidate's files with these and return their source files, in order. File
   * names must already be validated as plain names (see `validateFileNames`): they become paths.
   */
  load(files: readonly HarnessFile[]): SourceFile[];
  /** True when the source file belongs to the current candidate (not the API or a lib file). */
  isCandidate(sourceFile: SourceFile | ts.SourceFile): boolean;
}

/** Create the warm project. Throws an `INTERNAL` BridleError when the API itself does not type-check. */
export function createHarnessWorkspace(): HarnessWorkspace {
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: COMPILER_OPTIONS });
  const api = project.createSourceFile(API_PATH, harnessApiSource());
  const apiErrors = api.getPreEmitDiagnostics();
  if (apiErrors.length > 0) {
    const first = apiErrors[0]!;
    throw new BridleError('INTERNAL', `the harness API does not type-check under the checker's options: ${ts.flattenDiagnosticMessageText(first.compilerObject.messageText, ' ')}`);
  }
  let current: SourceFile[] = [];
  const candidatePrefix = `${CANDIDATE_FOLDER}/`;
  return {
    project,
    load(files) {
      // Removing the old files (not just overwriting same-named ones) is what keeps one candidate's
      // helper file from being visible to the next, and keeps the project from growing.
      for (const sourceFile of current) project.removeSourceFile(sourceFile);
      current = files.map(({ file, source }) => project.createSourceFile(`${candidatePrefix}${file}`, source, { overwrite: true }));
      return current;
    },
    isCandidate(sourceFile) {
      const fileName = 'getFilePath' in sourceFile ? sourceFile.getFilePath() : sourceFile.fileName;
      return fileName.startsWith(candidatePrefix);
    },
  };
}

/** Harness module file names, as harness.json requires them (src/store/harness-files.ts). */
const MODULE_FILE_NAME = /^[a-z0-9][a-z0-9-]*\.ts$/;

/**
 * Problems with the file list itself: names that are not kebab-case `.ts` names, duplicates, sources
 * over the size limit. Checked before anything is parsed, because names become paths.
 */
export function validateFileNames(files: readonly HarnessFile[], maxSourceBytes: number): string[] {
  const diagnostics: string[] = [];
  const seen = new Set<string>();
  let totalBytes = 0;
  for (const { file, source } of files) {
    if (typeof file !== 'string' || !MODULE_FILE_NAME.test(file)) {
      diagnostics.push(`${JSON.stringify(file)}: module file names are kebab-case .ts names such as "loop-breaker.ts" (no folders)`);
    } else if (seen.has(file)) {
      diagnostics.push(`${file}: the file appears twice; give each module its own file`);
    }
    seen.add(file);
    if (typeof source !== 'string') diagnostics.push(`${String(file)}: the file has no source text`);
    else totalBytes += Buffer.byteLength(source);
  }
  if (totalBytes > maxSourceBytes) {
    diagnostics.push(`the harness source is ${totalBytes} bytes, over the limit of ${maxSourceBytes} bytes: keep modules small and focused`);
  }
  return diagnostics;
}

/** `file:line:col` of a position in a source file (1-based), with the file's base name. */
export function locate(sourceFile: ts.SourceFile, position: number): string {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(position);
  const slash = sourceFile.fileName.lastIndexOf('/');
  return `${sourceFile.fileName.slice(slash + 1)}:${line + 1}:${character + 1}`;
}

/** One problem found in a candidate: where, and the line the engineer reads. */
export interface Finding {
  /** Module file name. */
  file: string;
  /** 1-based line (0 when the finding is about the whole file). */
  line: number;
  /** The whole diagnostic line, location first. */
  text: string;
}

/** A finding at a node's start. */
export function findingAt(sourceFile: ts.SourceFile, position: number, message: string): Finding {
  const slash = sourceFile.fileName.lastIndexOf('/');
  return {
    file: sourceFile.fileName.slice(slash + 1),
    line: sourceFile.getLineAndCharacterOfPosition(position).line + 1,
    text: `${locate(sourceFile, position)} ${message}`,
  };
}

/** Diagnostics go back to an engineer's prompt: this many lines at most. */
export const MAX_DIAGNOSTICS = 20;

/** Keep the first lines, and say how many were left out so the engineer knows the list is partial. */
export function capDiagnostics(lines: readonly string[], max = MAX_DIAGNOSTICS): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max - 1), `... and ${lines.length - (max - 1)} more problems of the same kind`];
}
