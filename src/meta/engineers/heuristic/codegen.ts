/**
 * Emitting harness modules with ts-morph's code generation (not string pasting): imports, constant data
 * tables, helper functions and the `defineModule` export are built as structures, then printed and
 * formatted by the TypeScript printer.
 */
import { IndentationText, Project, QuoteKind, VariableDeclarationKind, type WriterFunction } from 'ts-morph';
import type { Json } from '../../../harness/api.ts';

/** A helper function of the module: name, parameters and body statements. */
export interface HelperSpec {
  name: string;
  parameters: { name: string; type: string }[];
  returnType: string;
  body: string;
}

/** One hook of the exported module object: its parameter list and body. */
export interface HookSpec {
  parameters: string;
  body: string;
}

export interface ModuleSpec {
  name: string;
  why: string;
  /** Named imports from 'bridle/harness' besides defineModule (types are imported as types). */
  typeImports: string[];
  /** Local type aliases. */
  types?: { name: string; type: string }[];
  /** Constant data tables, printed as JSON literals. */
  constants: { name: string; value: Json; comment: string; type?: string }[];
  helpers: HelperSpec[];
  hooks: Partial<Record<'prepare' | 'realize' | 'rank' | 'guard' | 'interpret' | 'regulate', HookSpec>>;
}

let project: Project | undefined;

function sharedProject(): Project {
  project ??= new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { strict: true },
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
  });
  return project;
}

/** Print a module spec as formatted TypeScript source. */
export function emitModule(spec: ModuleSpec): string {
  const file = sharedProject().createSourceFile(`${spec.name}.ts`, '', { overwrite: true });
  file.addImportDeclaration({
    moduleSpecifier: 'bridle/harness',
    namedImports: ['defineModule', ...spec.typeImports.map((name) => `type ${name}`)],
  });
  for (const alias of spec.types ?? []) file.addTypeAlias({ name: alias.name, type: alias.type });
  for (const constant of spec.constants) {
    file.addVariableStatement({
      declarationKind: VariableDeclarationKind.Const,
      leadingTrivia: `/** ${constant.comment} */\n`,
      declarations: [{ name: constant.name, ...(constant.type ? { type: constant.type } : {}), initializer: JSON.stringify(constant.value, null, 2) }],
    });
  }
  for (const helper of spec.helpers) {
    file.addFunction({ name: helper.name, parameters: helper.parameters, returnType: helper.returnType, statements: helper.body });
  }
  const hooks = Object.entries(spec.hooks);
  const objectLiteral: WriterFunction = (writer) => {
    writer.write('defineModule(').inlineBlock(() => {
      writer.writeLine(`name: ${JSON.stringify(spec.name)},`);
      writer.writeLine(`why: ${JSON.stringify(spec.why)},`);
      for (const [hook, body] of hooks) {
        writer.write(`${hook}(${body!.parameters}) `).inlineBlock(() => writer.write(body!.body));
        writer.write(',').newLine();
      }
    });
    writer.write(')');
  };
  file.addExportAssignment({ isExportEquals: false, expression: objectLiteral });
  // No formatText: its edits garbled some generated files; the writer's own indentation is enough.
  const text = file.getFullText();
  sharedProject().removeSourceFile(file);
  return text;
}
