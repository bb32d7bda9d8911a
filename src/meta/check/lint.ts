/**
 * Check stage "lint": an AST lint of candidate modules against the module contract (DESIGN.md §2: no
 * I/O, no clock, no `Math.random`, nothing but the API imported; hooks derive everything from the view).
 *
 * The lint is a guide for honest engineers and a cheap first filter, not the security boundary: the
 * isolate is. So it aims at what a well-meaning module must never need, with a message that says what
 * to write instead, and keeps every legitimate pattern of the example harness legal. Names are resolved
 * with the type checker, so a module's own `random` or `process` variable is fine while the global one
 * is not.
 */
import { ts, type SourceFile } from 'ts-morph';
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

/** The lint rules, by the name diagnostics carry, with what each forbids. */
export const LINT_RULES = {
  'only-harness-import': `imports, re-exports, import(), require and import.meta of anything but '${HARNESS_SPECIFIER}'`,
  'no-eval': 'eval, Function / new Function, WebAssembly: code compiled at run time',
  'no-prototype-access': '.constructor, .prototype, __proto__, get/setPrototypeOf, __defineGetter__ and kin (the sandbox-escape patterns)',
  'no-global-object': 'globalThis, window, global, self',
  'no-global-mutation': 'assignment to undeclared names, to globals or to built-ins and their properties (Array.prototype.x = ...)',
  'no-clock': 'Date.now(), new Date() and Date() without a value, performance',
  'no-random': 'Math.random, crypto, aliasing Math',
  'no-host': 'host APIs that do not exist in the sandbox: process, console, fetch, Buffer, module, ...',
  'no-timers': 'setTimeout, setInterval, setImmediate, queueMicrotask, Atomics, SharedArrayBuffer',
  'no-async': 'async functions, await, Promise: hooks are synchronous',
  'no-metaprogramming': 'Proxy, Reflect, WeakRef, FinalizationRegistry',
  'no-module-state': 'top-level let/var, and hooks that mutate module-level bindings or `this`',
  'no-ambient': 'declare, namespace / declare global, triple-slash directives',
  'no-with': 'with statements',
  'no-debugger': 'debugger statements',
} as const;

/** One lint rule's name. */
export type LintRule = keyof typeof LINT_RULES;

// Standalone lint calls share one warm project: a cache, not state (each call replaces the files).
let defaultWorkspace: HarnessWorkspace | undefined;

/**
 * Lint a candidate's module files; one diagnostic line per problem, `file:line:col rule: message` (at
 * most 20), empty when clean. Loads the files into the given warm workspace (a shared one otherwise).
 */
export function lintHarness(files: readonly HarnessFile[], options: { workspace?: HarnessWorkspace } = {}): string[] {
  const names = validateFileNames(files, DEFAULT_SANDBOX_LIMITS.maxSourceBytes);
  if (names.length > 0) return capDiagnostics(names);
  const workspace = options.workspace ?? (defaultWorkspace ??= createHarnessWorkspace());
  return capDiagnostics(lintFindings(workspace, workspace.load(files)).map((finding) => finding.text));
}

/** Lint the candidate files already loaded in the workspace. */
export function lintFindings(workspace: HarnessWorkspace, sourceFiles: readonly SourceFile[]): Finding[] {
  const program = workspace.project.getProgram().compilerObject;
  const checker = program.getTypeChecker();
  return sourceFiles.flatMap((sourceFile) => {
    const node = program.getSourceFile(sourceFile.getFilePath());
    return node ? lintSourceFile(node, checker) : [];
  });
}

const HOST_GLOBALS: ReadonlyMap<string, LintRule> = new Map<string, LintRule>([
  ['eval', 'no-eval'],
  ['Function', 'no-eval'],
  ['WebAssembly', 'no-eval'],
  ['require', 'only-harness-import'],
  ['globalThis', 'no-global-object'],
  ['window', 'no-global-object'],
  ['global', 'no-global-object'],
  ['self', 'no-global-object'],
  ['performance', 'no-clock'],
  ['crypto', 'no-random'],
  ...[
    'process', 'console', 'module', 'exports', '__dirname', '__filename', 'Buffer', 'fetch', 'XMLHttpRequest', 'WebSocket',
    'navigator', 'document', 'location', 'Deno', 'Bun', 'structuredClone', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams',
    'importScripts', 'postMessage',
  ].map((name): [string, LintRule] => [name, 'no-host']),
  ...[
    'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask',
    'requestAnimationFrame', 'requestIdleCallback', 'Atomics', 'SharedArrayBuffer',
  ].map((name): [string, LintRule] => [name, 'no-timers']),
  ['Promise', 'no-async'],
  ['Proxy', 'no-metaprogramming'],
  ['Reflect', 'no-metaprogramming'],
  ['WeakRef', 'no-metaprogramming'],
  ['FinalizationRegistry', 'no-metaprogramming'],
]);

const PROTOTYPE_MEMBERS: ReadonlySet<string> = new Set([
  'constructor',
  'prototype',
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/** Methods that change their receiver in place (Array, Map, Set). */
const MUTATING_METHODS: ReadonlySet<string> = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear']);
/** `Object.<name>(target, ...)` calls that change `target`. */
const OBJECT_MUTATORS: ReadonlySet<string> = new Set(['assign', 'defineProperty', 'defineProperties', 'setPrototypeOf']);

function message(rule: LintRule, name: string): string {
  switch (rule) {
    case 'only-harness-import':
      return `only-harness-import: ${name} is not allowed; a module imports only '${HARNESS_SPECIFIER}' (import { defineModule, type View } from '${HARNESS_SPECIFIER}') and has no I/O: write helpers in the module itself`;
    case 'no-eval':
      return `no-eval: ${name} compiles code at run time; write the logic out as ordinary functions`;
    case 'no-prototype-access':
      return `no-prototype-access: ${name} is off-limits (the pattern of sandbox escapes and prototype pollution); values are plain JSON: test them with typeof, Array.isArray or \`key in value\``;
    case 'no-global-object':
      return `no-global-object: ${name} is off-limits; use the hook's arguments (view, action, draft, ...) and module-level constants`;
    case 'no-global-mutation':
      return `no-global-mutation: ${name} changes a global or a built-in; keep what you compute in local (const) variables and return it from the hook`;
    case 'no-clock':
      return `no-clock: ${name} reads the clock, which breaks exact replay; measure progress with view.step, view.maxSteps and view.trajectory (new Date(value) with an explicit value is fine)`;
    case 'no-random':
      return `no-random: ${name} is not available; use view.rng() (seeded per episode, so runs replay exactly)`;
    case 'no-host':
      return `no-host: ${name} is a host API that does not exist in the sandbox; hooks do no I/O: return feedback text or a verdict instead`;
    case 'no-timers':
      return `no-timers: ${name} schedules work after the hook returns; hooks are synchronous: compute the answer and return it`;
    case 'no-async':
      return `no-async: ${name}: hooks are synchronous (view.peek answers immediately); compute the answer and return it`;
    case 'no-metaprogramming':
      return /^(WeakRef|FinalizationRegistry)$/.test(name)
        ? `no-metaprogramming: ${name} observes garbage collection, which is nondeterministic; keep plain references`
        : `no-metaprogramming: ${name} hides behaviour from review; use plain objects and ordinary property access`;
    case 'no-module-state':
      return `no-module-state: ${name}; hooks must derive everything from their arguments (count past steps in view.trajectory, read the state with view.peek), so module-level values stay const and unmodified`;
    case 'no-ambient':
      return `no-ambient: ${name} changes what the type checker believes; write ordinary module-local code`;
    case 'no-with':
      return 'no-with: with statements are not allowed; name the object explicitly';
    case 'no-debugger':
      return 'no-debugger: remove the debugger statement';
  }
}

function lintSourceFile(sourceFile: ts.SourceFile, checker: ts.TypeChecker): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<number>();
  const reportAt = (position: number, rule: LintRule, name: string) => {
    // One finding per place: `Array.prototype.x = 1` is one mistake, not two.
    if (reported.has(position)) return;
    reported.add(position);
    findings.push(findingAt(sourceFile, position, message(rule, name)));
  };
  const report = (node: ts.Node, rule: LintRule, name: string) => reportAt(node.getStart(sourceFile), rule, name);

  /** True when the identifier names something not declared in this file (a global, or nothing at all). */
  const isGlobal = (identifier: ts.Identifier): boolean => {
    const symbol = ts.isShorthandPropertyAssignment(identifier.parent)
      ? checker.getShorthandAssignmentValueSymbol(identifier.parent)
      : checker.getSymbolAtLocation(identifier);
    const declarations = symbol?.declarations ?? [];
    return declarations.every((declaration) => declaration.getSourceFile() !== sourceFile);
  };
  const isGlobalNamed = (node: ts.Node, name: string): boolean => ts.isIdentifier(node) && node.text === name && isGlobal(node);

  /** True when the identifier is bound at the module's top level (a const table, a helper, an import). */
  const isTopLevel = (identifier: ts.Identifier): boolean => {
    const symbol = checker.getSymbolAtLocation(identifier);
    const declaration = symbol?.declarations?.[0];
    if (!declaration || declaration.getSourceFile() !== sourceFile) return false;
    if (ts.isImportSpecifier(declaration) || ts.isImportClause(declaration) || ts.isNamespaceImport(declaration)) return true;
    let node: ts.Node = declaration;
    while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node)) node = node.parent;
    if (ts.isVariableDeclaration(node)) return ts.isVariableStatement(node.parent.parent) && node.parent.parent.parent === sourceFile;
    return node.parent === sourceFile;
  };

  for (const reference of [...sourceFile.referencedFiles, ...sourceFile.typeReferenceDirectives, ...sourceFile.libReferenceDirectives]) {
    reportAt(reference.pos, 'no-ambient', `the triple-slash directive for "${reference.fileName}"`);
  }

  const visit = (node: ts.Node): void => {
    checkNode(node);
    ts.forEachChild(node, visit);
  };

  const checkNode = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      const specifier = node.moduleSpecifier;
      if (specifier && (!ts.isStringLiteral(specifier) || specifier.text !== HARNESS_SPECIFIER)) {
        report(node, 'only-harness-import', `${ts.isImportDeclaration(node) ? 'importing' : 're-exporting from'} ${specifier.getText(sourceFile)}`);
      }
    } else if (ts.isImportEqualsDeclaration(node)) {
      report(node, 'only-harness-import', 'import ... = require(...)');
    } else if (ts.isImportTypeNode(node)) {
      report(node, 'only-harness-import', `the type import ${node.getText(sourceFile)}`);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      report(node, 'only-harness-import', 'import() (a dynamic import)');
    } else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      report(node, 'only-harness-import', 'import.meta');
    } else if (ts.isIdentifier(node)) {
      checkIdentifier(node);
    } else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      checkMember(node, node.expression, memberName(node));
    } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
      // `const { random } = Math` is Math.random by another name.
      for (const element of node.name.elements) {
        const key = element.propertyName ?? element.name;
        if (ts.isIdentifier(key) || ts.isStringLiteral(key)) checkMember(element, node.initializer, key.text);
      }
    } else if (ts.isPropertyAssignment(node) && propertyNameText(node.name) === '__proto__') {
      report(node, 'no-prototype-access', 'an object literal __proto__');
    } else if (ts.isNewExpression(node) && isGlobalNamed(node.expression, 'Date') && (node.arguments?.length ?? 0) === 0) {
      report(node, 'no-clock', 'new Date() without a value');
    } else if (ts.isCallExpression(node) && isGlobalNamed(node.expression, 'Date')) {
      report(node, 'no-clock', 'Date()');
    } else if (ts.isCallExpression(node)) {
      checkMutatingCall(node);
    } else if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind)) {
      checkMutation(node, node.left, 'assigning to');
    } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
      checkMutation(node, node.operand, 'updating');
    } else if (ts.isDeleteExpression(node)) {
      checkMutation(node, node.expression, 'deleting');
    } else if (ts.isVariableStatement(node) && node.parent === sourceFile && !(node.declarationList.flags & (ts.NodeFlags.Const | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing))) {
      const keyword = node.declarationList.flags & ts.NodeFlags.Let ? 'let' : 'var';
      if (!isAmbient(node)) report(node, 'no-module-state', `top-level ${keyword} is state shared across hook calls (use const)`);
    } else if (ts.isWithStatement(node)) {
      report(node, 'no-with', 'with');
    } else if (node.kind === ts.SyntaxKind.DebuggerStatement) {
      report(node, 'no-debugger', 'debugger');
    } else if (ts.isAwaitExpression(node)) {
      report(node, 'no-async', 'await');
    } else if (ts.isForOfStatement(node) && node.awaitModifier) {
      report(node, 'no-async', 'for await');
    } else if (ts.isModuleDeclaration(node)) {
      report(node, 'no-ambient', node.flags & ts.NodeFlags.GlobalAugmentation ? 'declare global' : 'a namespace or module declaration');
    }
    if (ts.isFunctionLike(node) && ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword)) {
      report(node, 'no-async', 'an async function');
    }
    if (ts.isStatement(node) && isAmbient(node) && !ts.isModuleDeclaration(node)) report(node, 'no-ambient', 'a declare statement');
  };

  const checkIdentifier = (identifier: ts.Identifier): void => {
    if (!isReferencePosition(identifier) || inTypePosition(identifier)) return;
    const name = identifier.text;
    const rule = HOST_GLOBALS.get(name);
    if (rule && isGlobal(identifier)) {
      report(identifier, rule, rule === 'only-harness-import' ? 'require' : name);
      return;
    }
    // Math and Date passed around as values are random numbers and the clock under another name.
    if ((name === 'Math' || name === 'Date') && isGlobal(identifier) && !isPlainBuiltinUse(identifier)) {
      report(identifier, name === 'Math' ? 'no-random' : 'no-clock', `${name} used as a value (aliasing it)`);
    }
  };

  const checkMember = (node: ts.Node, object: ts.Expression, name: string | undefined): void => {
    if (name === undefined) {
      if (ts.isElementAccessExpression(node) && (isGlobalNamed(object, 'Math') || isGlobalNamed(object, 'Date'))) {
        report(node, isGlobalNamed(object, 'Math') ? 'no-random' : 'no-clock', `a computed member of ${(object as ts.Identifier).text}`);
      }
      return;
    }
    if (PROTOTYPE_MEMBERS.has(name)) report(node, 'no-prototype-access', `.${name}`);
    else if ((name === 'getPrototypeOf' || name === 'setPrototypeOf') && isGlobalNamed(object, 'Object')) report(node, 'no-prototype-access', `Object.${name}`);
    else if (name === 'random' && isGlobalNamed(object, 'Math')) report(node, 'no-random', 'Math.random');
    else if (name === 'now' && isGlobalNamed(object, 'Date')) report(node, 'no-clock', 'Date.now');
  };

  /** `TABLE.push(x)` inside a hook, or `Object.assign(TABLE, ...)`. */
  const checkMutatingCall = (call: ts.CallExpression): void => {
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return;
    if (MUTATING_METHODS.has(callee.name.text)) {
      checkModuleState(call, callee.expression, `calling .${callee.name.text}() on`);
    } else if (OBJECT_MUTATORS.has(callee.name.text) && isGlobalNamed(callee.expression, 'Object') && call.arguments[0]) {
      checkMutation(call, call.arguments[0], `Object.${callee.name.text} on`);
    }
  };

  const checkMutation = (node: ts.Node, target: ts.Expression, verb: string): void => {
    const root = rootOf(target);
    if (root && ts.isIdentifier(root) && isGlobal(root)) {
      report(node, 'no-global-mutation', `${verb} ${skipOuter(target).getText(sourceFile).slice(0, 60)}`);
      return;
    }
    checkModuleState(node, target, verb);
  };

  const checkModuleState = (node: ts.Node, target: ts.Expression, verb: string): void => {
    const root = rootOf(target);
    if (!root || !insideFunction(node)) return;
    if (ts.isIdentifier(root) && isTopLevel(root)) {
      report(node, 'no-module-state', `${verb} the module-level "${root.text}" inside a function`);
    } else if (root.kind === ts.SyntaxKind.ThisKeyword && thisIsObjectLiteral(node)) {
      report(node, 'no-module-state', `${verb} \`this\` (the module object) inside a hook`);
    }
  };

  visit(sourceFile);
  return findings;
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function isAmbient(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.DeclareKeyword);
}

function skipOuter(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current) || ts.isAsExpression(current) || ts.isTypeAssertionExpression(current) || ts.isSatisfiesExpression(current)) {
    current = current.expression;
  }
  return current;
}

/** The identifier (or `this`) a chain of property and element accesses starts from. */
function rootOf(target: ts.Expression): ts.Expression | undefined {
  let current = skipOuter(target);
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) current = skipOuter(current.expression);
  return ts.isIdentifier(current) || current.kind === ts.SyntaxKind.ThisKeyword ? current : undefined;
}

function memberName(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  const argument = skipOuter(node.argumentExpression);
  return ts.isStringLiteralLike(argument) ? argument.text : undefined;
}

function propertyNameText(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) ? name.text : undefined;
}

function insideFunction(node: ts.Node): boolean {
  for (let current = node.parent; current; current = current.parent) if (ts.isFunctionLike(current)) return true;
  return false;
}

/** True when `this` at the node is an object literal (the module itself, or a table): not a class instance. */
function thisIsObjectLiteral(node: ts.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isArrowFunction(current)) continue;
    if (ts.isClassLike(current)) return false;
    if (ts.isFunctionLike(current)) return ts.isObjectLiteralExpression(current.parent) || (ts.isPropertyAssignment(current.parent) && ts.isObjectLiteralExpression(current.parent.parent));
  }
  return false;
}

/** Whether an identifier is read as a value here (not a property name, a label or a declaration's name). */
function isReferencePosition(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === identifier) return false;
  if (ts.isQualifiedName(parent) && parent.right === identifier) return false;
  if (
    (ts.isPropertyAssignment(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessorDeclaration(parent) ||
      ts.isSetAccessorDeclaration(parent) ||
      ts.isEnumMember(parent)) &&
    parent.name === identifier
  ) {
    return false;
  }
  if (ts.isBindingElement(parent) && parent.propertyName === identifier) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent)) return false;
  if ((ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) && parent.label === identifier) return false;
  return true;
}

/** Types are erased: `Promise<void>` in a type says nothing about what runs. A class's `extends` is a value. */
function inTypePosition(node: ts.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isExpressionWithTypeArguments(current) && ts.isHeritageClause(current.parent) && current.parent.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(current.parent.parent)) {
      return false;
    }
    if (ts.isTypeNode(current)) return true;
    if (ts.isStatement(current) || ts.isSourceFile(current)) return false;
  }
  return false;
}

/** `Math.max(...)`, `new Date(value)`, `x instanceof Date`: the ordinary uses of Math and Date. */
function isPlainBuiltinUse(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === identifier) return true;
  if ((ts.isNewExpression(parent) || ts.isCallExpression(parent)) && parent.expression === identifier) return true;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword && parent.right === identifier) return true;
  // `const { max } = Math` is checked member by member.
  if (ts.isVariableDeclaration(parent) && parent.initializer === identifier && ts.isObjectBindingPattern(parent.name)) return true;
  return false;
}
