/**
 * Check stage "type": candidate modules type-check against the harness API, and each has the shape the
 * loader relies on (`export default defineModule({ name: '...', why: '...', <hooks> })`). Diagnostics
 * are one line each because they go straight back to an engineer for a repair turn.
 */
import { ts, type SourceFile } from 'ts-morph';
import { HOOK_NAMES } from '../../harness/api.ts';
import type { HarnessFile } from '../../store/harness-files.ts';
import { DEFAULT_SANDBOX_LIMITS } from '../../../sandboxes/types.ts';
import {
  HARNESS_SPECIFIER,
  capDiagnostics,
  createHarnessWorkspace,
  findingAt,
  validateFileNames,
  type Finding,
  type HarnessWorkspace,
} from './workspace.ts';

/** The answer of a type check. */
export interface TypeCheckResult {
  /** True when every module type-checks and has the module shape. */
  ok: boolean;
  /** One line each, `file:line:col TSxxxx message` (at most 20). */
  diagnostics: string[];
  /** Wall time of the check, in milliseconds. */
  ms: number;
}

/** Type-checks candidates in one warm project. */
export interface TypeChecker {
  /** The warm project the checker uses (shared with the lint, so a candidate is parsed once). */
  readonly workspace: HarnessWorkspace;
  /** Load the candidate (replacing the previous one) and check it. */
  check(files: readonly HarnessFile[]): TypeCheckResult;
}

/** Create a type checker around a warm project (a new one unless given). The first check is the slow one. */
export function createTypeChecker(options: { workspace?: HarnessWorkspace } = {}): TypeChecker {
  const workspace = options.workspace ?? createHarnessWorkspace();
  return {
    workspace,
    check(files) {
      const start = performance.now();
      const names = validateFileNames(files, DEFAULT_SANDBOX_LIMITS.maxSourceBytes);
      if (names.length > 0) return { ok: false, diagnostics: capDiagnostics(names), ms: performance.now() - start };
      const sourceFiles = workspace.load(files);
      const syntax = syntaxFindings(workspace, sourceFiles);
      const findings = syntax.length > 0 ? syntax : typeFindings(workspace, sourceFiles);
      const diagnostics = capDiagnostics(findings.map((finding) => finding.text));
      return { ok: diagnostics.length === 0, diagnostics, ms: performance.now() - start };
    },
  };
}

/** Parse errors of the loaded candidate. Nothing else is worth checking while these remain. */
export function syntaxFindings(workspace: HarnessWorkspace, sourceFiles: readonly SourceFile[]): Finding[] {
  const program = workspace.project.getProgram().compilerObject;
  return sourceFiles.flatMap((sourceFile) => {
    const node = program.getSourceFile(sourceFile.getFilePath());
    return node ? program.getSyntacticDiagnostics(node).map(toFinding) : [];
  });
}

/** Semantic type errors and module-shape problems of the loaded candidate, file by file in order. */
export function typeFindings(workspace: HarnessWorkspace, sourceFiles: readonly SourceFile[]): Finding[] {
  const program = workspace.project.getProgram().compilerObject;
  const findings: Finding[] = [];
  const names = new Map<string, string>();
  for (const sourceFile of sourceFiles) {
    const node = program.getSourceFile(sourceFile.getFilePath());
    if (!node) continue;
    findings.push(...program.getSemanticDiagnostics(node).map(toFinding));
    findings.push(...moduleShapeFindings(node, names));
  }
  return findings;
}

/** Chains this long are mostly the same type printed again; the head and the last two lines carry the news. */
const MAX_LEVEL_CHARS = 180;

/**
 * One diagnostic as one line: `file:line:col TSxxxx message`. A message chain is flattened to its head
 * and its two most specific lines (the deepest reason), each cut to a readable length.
 */
export function formatDiagnostic(diagnostic: ts.Diagnostic): string {
  return toFinding(diagnostic).text;
}

function toFinding(diagnostic: ts.Diagnostic): Finding {
  const levels = messageLevels(diagnostic.messageText).map((level) => shorten(level.replace(/\s+/g, ' ').trim(), MAX_LEVEL_CHARS));
  const message = levels.length <= 3 ? levels.join(' ') : `${levels[0]} … ${levels.slice(-2).join(' ')}`;
  const text = `TS${diagnostic.code} ${message}`;
  if (diagnostic.file && diagnostic.start !== undefined) return findingAt(diagnostic.file, diagnostic.start, text);
  return { file: '', line: 0, text: `(harness) ${text}` };
}

/** The first path through a message chain, head first. */
function messageLevels(message: string | ts.DiagnosticMessageChain): string[] {
  if (typeof message === 'string') return [message];
  const levels: string[] = [];
  let chain: ts.DiagnosticMessageChain | undefined = message;
  while (chain) {
    levels.push(chain.messageText);
    chain = chain.next?.[0];
  }
  return levels;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const MODULE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_NAME_CHARS = 64;
const MAX_WHY_CHARS = 300;
const MODULE_KEYS: ReadonlySet<string> = new Set(['name', 'why', ...HOOK_NAMES]);
const SHAPE_EXAMPLE = "export default defineModule({ name: 'my-module', why: 'the failure it addresses', guard(action, view) { ... } })";

/**
 * The module contract the type system cannot see: exactly one `export default defineModule({...})`
 * call on the imported `defineModule`, literal `name` (kebab-case, unique across the harness) and
 * `why` (one line), only known hook names (a misspelt hook would type-check and silently never run),
 * at least one hook, and no other exports.
 */
function moduleShapeFindings(sourceFile: ts.SourceFile, names: Map<string, string>): Finding[] {
  const findings: Finding[] = [];
  const at = (node: ts.Node, message: string) => findingAt(sourceFile, node.getStart(sourceFile), `module-shape: ${message}`);
  const importsDefineModule = sourceFile.statements.some(
    (statement) =>
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text === HARNESS_SPECIFIER &&
      !statement.importClause?.isTypeOnly &&
      statement.importClause?.namedBindings !== undefined &&
      ts.isNamedImports(statement.importClause.namedBindings) &&
      statement.importClause.namedBindings.elements.some(
        (element) => !element.isTypeOnly && element.name.text === 'defineModule' && (element.propertyName?.text ?? 'defineModule') === 'defineModule',
      ),
  );
  let defaults = 0;
  for (const statement of sourceFile.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      defaults += 1;
      if (defaults > 1) {
        findings.push(at(statement, 'a module has exactly one default export'));
        continue;
      }
      findings.push(...defaultExportFindings(statement.expression, importsDefineModule, names, sourceFile, at));
    } else if (isOtherExport(statement)) {
      findings.push(at(statement, `a module exports nothing but its default export: drop the export keyword (module-private helpers are fine)`));
    }
  }
  if (defaults === 0) {
    findings.push(findingAt(sourceFile, 0, `module-shape: no default export; write ${SHAPE_EXAMPLE}`));
  }
  return findings;
}

function isOtherExport(statement: ts.Statement): boolean {
  if (ts.isExportDeclaration(statement) || (ts.isExportAssignment(statement) && statement.isExportEquals)) return true;
  if (!ts.canHaveModifiers(statement)) return false;
  const modifiers = ts.getModifiers(statement) ?? [];
  return modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}

function defaultExportFindings(
  expression: ts.Expression,
  importsDefineModule: boolean,
  names: Map<string, string>,
  sourceFile: ts.SourceFile,
  at: (node: ts.Node, message: string) => Finding,
): Finding[] {
  if (!ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression) || expression.expression.text !== 'defineModule') {
    return [at(expression, `the default export must be a defineModule({...}) call: ${SHAPE_EXAMPLE}`)];
  }
  if (!importsDefineModule) return [at(expression, `import defineModule from '${HARNESS_SPECIFIER}' (import { defineModule } from '${HARNESS_SPECIFIER}')`)];
  const argument = expression.arguments[0];
  if (expression.arguments.length !== 1 || !argument || !ts.isObjectLiteralExpression(argument)) {
    return [at(expression, 'pass defineModule one object literal with name, why and the hooks written out')];
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let hooks = 0;
  for (const property of argument.properties) {
    const key = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
    if (ts.isSpreadAssignment(property) || key === undefined) {
      findings.push(at(property, 'write each property of the module out by name (no spreads or computed keys), so reviewers see every hook'));
      continue;
    }
    if (!MODULE_KEYS.has(key)) {
      findings.push(at(property, `unknown module property "${key}"; a module has name, why and the hooks ${HOOK_NAMES.join(', ')}`));
      continue;
    }
    if (seen.has(key)) findings.push(at(property, `"${key}" appears twice`));
    seen.add(key);
    if (key !== 'name' && key !== 'why') {
      hooks += 1;
      continue;
    }
    const value = ts.isPropertyAssignment(property) ? property.initializer : undefined;
    if (!value || !(ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value))) {
      findings.push(at(property, `"${key}" must be a string literal, so it can be read without running the module`));
      continue;
    }
    if (key === 'name') {
      if (!MODULE_NAME.test(value.text) || value.text.length > MAX_NAME_CHARS) {
        findings.push(at(value, `name "${value.text}" must be short kebab-case (like "loop-breaker")`));
      }
      const other = names.get(value.text);
      const file = sourceFile.fileName.slice(sourceFile.fileName.lastIndexOf('/') + 1);
      if (other !== undefined && other !== file) findings.push(at(value, `name "${value.text}" is already used by ${other}; module names are unique within a harness`));
      else names.set(value.text, file);
    } else if (value.text.trim() === '' || /[\r\n]/.test(value.text) || value.text.length > MAX_WHY_CHARS) {
      findings.push(at(value, `why must be one non-empty line of at most ${MAX_WHY_CHARS} characters: the failure the module addresses`));
    }
  }
  for (const key of ['name', 'why']) {
    if (!seen.has(key)) findings.push(at(argument, `the module has no "${key}"`));
  }
  if (hooks === 0) findings.push(at(argument, `the module has no hook; give it at least one of ${HOOK_NAMES.join(', ')}`));
  return findings;
}
