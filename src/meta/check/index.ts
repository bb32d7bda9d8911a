/**
 * The check a candidate harness passes before any episode runs (DESIGN.md §5.4, §5.6): it parses,
 * obeys the lint, type-checks against the harness API with the module shape, leaks no task answers,
 * and compiles. The first failing stage answers, with one-line diagnostics for the engineer's repair turn.
 *
 * Stage order: syntax ('type') → lint → types and module shape ('type') → leak → compile. The lint runs
 * before the semantic type check on purpose: `import fs from 'node:fs'` or `require('x')` would otherwise
 * come back as "Cannot find module" / "Cannot find name 'require'" (advice to install type definitions),
 * when what the engineer needs to hear is that modules have no I/O. When the lint fails, the type errors
 * on other lines come along after the lint lines, so one repair turn can fix both. File names,
 * duplicates and total size are checked before anything else and answer as 'compile' (compileHarness
 * refuses them too; they go first because names become paths in the project).
 */
import { BridleError } from '../../errors.ts';
import type { HarnessFile } from '../../store/harness-files.ts';
import { compileHarness } from '../../../sandboxes/compile.ts';
import { DEFAULT_SANDBOX_LIMITS } from '../../../sandboxes/types.ts';
import type { CheckResult, LeakCorpus } from '../types.ts';
import { leakFindings } from './leak-scan.ts';
import { lintFindings } from './lint.ts';
import { syntaxFindings, typeFindings } from './type-check.ts';
import { capDiagnostics, createHarnessWorkspace, validateFileNames, type Finding, type HarnessWorkspace } from './workspace.ts';

export { harnessApiSource, MAX_DIAGNOSTICS } from './workspace.ts';
export { createTypeChecker, formatDiagnostic, type TypeChecker, type TypeCheckResult } from './type-check.ts';
export { lintHarness, LINT_RULES, type LintRule } from './lint.ts';
export { buildLeakCorpus, scanForLeaks, INSTRUCTION_WINDOW, MIN_VALUE_LENGTH, type LeakScanCorpus } from './leak-scan.ts';

/** Checks candidate harnesses, one after another, in one warm project. */
export interface HarnessChecker {
  /** Check a whole candidate harness (modules in fold order): the first failing stage, or the compiled harness. */
  check(files: readonly HarnessFile[]): CheckResult;
}

/** Options of {@link createHarnessChecker}. */
export interface HarnessCheckerOptions {
  /** Instructions and gold values to keep out of module literals; without it the leak stage passes everything. */
  corpus?: LeakCorpus;
  /** Largest total module source, in bytes (default: the sandbox's `maxSourceBytes`). */
  maxSourceBytes?: number;
}

/**
 * Create a checker. Building the warm project takes about 100 ms; each check after the first costs tens
 * of milliseconds. Checks are synchronous and leave nothing behind: each replaces the previous
 * candidate's files.
 */
export function createHarnessChecker(options: HarnessCheckerOptions = {}): HarnessChecker {
  const maxSourceBytes = options.maxSourceBytes ?? DEFAULT_SANDBOX_LIMITS.maxSourceBytes;
  let workspace: HarnessWorkspace | undefined;
  return {
    check(files) {
      const start = performance.now();
      const fail = (stage: 'type' | 'lint' | 'leak' | 'compile', diagnostics: readonly string[]): CheckResult => ({
        ok: false,
        stage,
        diagnostics: capDiagnostics(diagnostics),
        ms: performance.now() - start,
      });
      // Names become paths in the project: refuse odd ones before anything is loaded.
      const names = validateFileNames(files, maxSourceBytes);
      if (names.length > 0) return fail('compile', names);

      workspace ??= createHarnessWorkspace();
      const sourceFiles = workspace.load(files);
      const syntax = syntaxFindings(workspace, sourceFiles);
      if (syntax.length > 0) return fail('type', texts(syntax));

      const lint = lintFindings(workspace, sourceFiles);
      const types = typeFindings(workspace, sourceFiles);
      if (lint.length > 0) {
        const flagged = new Set(lint.map((finding) => `${finding.file}:${finding.line}`));
        return fail('lint', [...texts(lint), ...texts(types.filter((finding) => !flagged.has(`${finding.file}:${finding.line}`)))]);
      }
      if (types.length > 0) return fail('type', texts(types));

      if (options.corpus) {
        const leaks = leakFindings(files, options.corpus);
        if (leaks.length > 0) return fail('leak', texts(leaks));
      }

      try {
        const compiled = compileHarness(files, { maxSourceBytes });
        return { ok: true, compiled, ms: performance.now() - start };
      } catch (error) {
        if (BridleError.isInstance(error) && error.code === 'HARNESS_INVALID') return fail('compile', [error.message]);
        throw error;
      }
    },
  };
}

function texts(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.text);
}
