/**
 * Project: a small Python service checked out under ~/projects, with sources, tests, docs, build
 * leftovers (__pycache__, stray .pyc files) and a messy requirements file. Questions about the code;
 * changes that refactor an import, clean the build and tidy the requirements.
 */
import { callStep, createRandom, seedOf, type Random } from '../../../src/toolkit/index.ts';
import { HOME, type FileTable } from '../machine.ts';
import { pickDistinct } from '../names.ts';
import { bashStep, type TaskDraft } from '../task.ts';
import { createTree, editTree, viewOf } from '../tree.ts';

const PROJECTS = ['inventory-sync', 'order-router', 'price-watch', 'ticket-triage'];
const MODULES = ['models', 'api', 'storage', 'cli', 'tasks', 'validation', 'reports', 'auth'];
const VERBS = ['load', 'save', 'fetch', 'parse', 'build', 'render', 'check', 'merge', 'export', 'sync'];
const NOUNS = ['order', 'orders', 'config', 'stock', 'invoice', 'customer', 'report', 'price', 'batch', 'token'];
const REQUIREMENTS = ['requests>=2.31', 'Flask==3.0.3', 'click', 'attrs>=23.2', 'SQLAlchemy==2.0.30', 'pydantic>=2.7', 'Jinja2', 'python-dateutil', 'PyYAML==6.0.1', 'redis>=5.0', 'gunicorn', 'structlog'];
const TODO_NOTES = ['handle pagination', 'retry on timeout', 'remove after the migration', 'validate currency codes', 'cache this lookup', 'log the request id'];

interface ProjectWorld {
  files: FileTable;
  root: string;
  package: string;
}

function functionSource(random: Random, name: string, todo: boolean): string {
  const argument = random.pick(['path', 'items', 'session', 'payload', 'limit']);
  const lines = [`def ${name}(${argument}):`, `    """${name.replace(/_/g, ' ')} for the given ${argument}."""`];
  if (todo) lines.push(`    # TODO: ${random.pick(TODO_NOTES)}`);
  lines.push(`    result = []`, `    for entry in ${argument === 'limit' ? 'range(limit)' : argument}:`, `        result.append(entry)`, `    return result`, '');
  return lines.join('\n');
}

function buildWorld(seed: number, special: { definer: string; caller: string }): ProjectWorld {
  const random = createRandom(seed);
  const name = random.pick(PROJECTS);
  const pkg = name.replace(/-/g, '_');
  const root = `${HOME}/projects/${name}`;
  const tree = createTree();
  const modules = pickDistinct(random, MODULES, random.int(5, 7));
  const definers = new Set(pickDistinct(random, modules, 2));
  const legacyUsers = new Set(pickDistinct(random, modules, random.int(2, 4)));
  for (const module of modules) {
    const functions = pickDistinct(random, VERBS, random.int(2, 4)).map((verb) => `${verb}_${random.pick(NOUNS)}`);
    const imports = ['import logging', ...(legacyUsers.has(module) ? [`from ${pkg}.legacy import ${random.pick(['retry', 'to_decimal', 'slugify'])}`] : []), `from ${pkg}.settings import SETTINGS`, ''];
    const bodies = functions.map((fn) => functionSource(random, fn, random.chance(0.35)));
    if (definers.has(module)) bodies.push(functionSource(random, special.definer, false));
    else if (random.chance(0.5)) bodies.push(`def ${module}_main():\n    # calls ${special.definer} indirectly\n    return ${special.caller}(SETTINGS)\n`);
    tree.file(`${root}/src/${pkg}/${module}.py`, `${imports.join('\n')}\nlog = logging.getLogger(__name__)\n\n\n${bodies.join('\n\n')}`, { age: random.int(1, 60) });
    if (random.chance(0.7)) tree.file(`${root}/src/${pkg}/__pycache__/${module}.cpython-312.pyc`, `\u0000compiled ${module}\n`, { age: 1 });
    tree.file(`${root}/tests/test_${module}.py`, `import pytest\nfrom ${pkg} import ${module}\n\n\n${functions.map((fn) => `def test_${fn}():\n    assert ${module}.${fn}([]) == []\n`).join('\n\n')}`, { age: random.int(1, 60) });
  }
  tree.file(`${root}/src/${pkg}/__init__.py`, `"""${name}: ${random.pick(['keeps stock levels in sync', 'routes orders to warehouses', 'watches competitor prices', 'sorts support tickets'])}."""\n__version__ = "1.${random.int(0, 9)}.${random.int(0, 20)}"\n`, { age: 90 });
  tree.file(`${root}/src/${pkg}/legacy.py`, `"""Old helpers, kept until every module uses ${pkg}.compat."""\n\n\ndef retry(fn):\n    return fn\n\n\ndef to_decimal(value):\n    return value\n\n\ndef slugify(text):\n    return text.lower()\n`, { age: 200 });
  tree.file(`${root}/src/${pkg}/compat.py`, `"""Current helpers (replace ${pkg}.legacy)."""\ntry:\n    from ${pkg}.legacy import retry, to_decimal, slugify  # re-exported while the migration runs\nexcept ImportError:\n    pass\n`, { age: 5 });
  tree.file(`${root}/src/${pkg}/settings.py`, `SETTINGS = {"timeout": ${random.int(5, 30)}, "region": "${random.pick(['eu-west-1', 'us-east-2'])}"}\n`, { age: 30 });
  tree.file(`${root}/src/${pkg}/NOTES.txt`, `TODO: write the architecture notes\nTODO: document ${special.definer}\n`, { age: 12 });
  tree.file(`${root}/README.md`, `# ${name}\n\nRun \`make test\`.\n\nTODO: badges\n`, { age: 40 });
  tree.file(`${root}/docs/usage.md`, `# Usage\n\nCall \`${special.definer}(path)\` first.\n`, { age: 40 });
  tree.file(`${root}/.gitignore`, '__pycache__/\n*.pyc\n.venv/\n', { age: 200 });
  tree.file(`${root}/setup.py.pyc`, 'stale\n', { age: 300 });
  tree.file(`${root}/tests/__pycache__/conftest.cpython-312.pyc`, '\u0000compiled conftest\n', { age: 2 });
  tree.file(`${root}/tests/conftest.py`, 'import pytest\n\n\n@pytest.fixture\ndef session():\n    return {}\n', { age: 50 });
  const requirements = pickDistinct(random, REQUIREMENTS, random.int(6, 9));
  const messy = random.shuffle([...requirements, ...pickDistinct(random, requirements, random.int(2, 4))]);
  tree.file(`${root}/requirements.txt`, `${messy.join('\n')}\n`, { age: 20 });
  return { files: tree.build(), root, package: pkg };
}

function pythonFiles(files: FileTable, directory: string): string[] {
  return Object.keys(files).filter((path) => path.startsWith(`${directory}/`) && path.endsWith('.py') && files[path]!.type === 'file').sort();
}

function content(files: FileTable, path: string): string {
  const entry = files[path];
  return entry?.type === 'file' ? entry.content : '';
}

/** Case-folded byte order, as `sort -f` in the C locale. */
function foldedOrder(a: string, b: string): number {
  const left = a.toUpperCase();
  const right = b.toUpperCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The project tasks: six templates, two variants each. */
export function projectTasks(seed: number): TaskDraft[] {
  const drafts: TaskDraft[] = [];
  for (const variant of [0, 1]) {
    const special = variant === 0 ? { definer: 'parse_config', caller: 'parse_config' } : { definer: 'load_settings', caller: 'load_settings' };
    const world = (template: string) => buildWorld(seedOf(seed, 'project', template, variant), special);

    {
      const w = world('count-todos');
      const value = pythonFiles(w.files, `${w.root}/src`).reduce((sum, path) => sum + content(w.files, path).split('\n').filter((line) => line.includes('TODO')).length, 0);
      const short = w.root.replace(HOME, '~');
      drafts.push({
        family: 'project', difficulty: 'easy', template: 'count-todos', world: w.files,
        instruction: `How many lines with a TODO are there in the Python (.py) files under ${short}/src? Answer with the number only.`,
        inspects: [bashStep(`grep -r 'TODO' ${short}/src --include='*.py' | wc -l`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
    {
      const w = world('find-definition');
      const values = pythonFiles(w.files, w.root).filter((path) => content(w.files, path).includes(`def ${special.definer}(`)).map((path) => path.slice(w.root.length + 1));
      const short = w.root.replace(HOME, '~');
      drafts.push({
        family: 'project', difficulty: 'medium', template: 'find-definition', world: w.files,
        instruction: `Which Python files in ${short} define a function named ${special.definer}? List their paths relative to ${short}, one per line.`,
        inspects: [callStep('list_directory', { path: `${w.root}/src/${w.package}` }, 'inspect'), bashStep(`cd ${short} && grep -rl 'def ${special.definer}(' --include='*.py' .`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'lines', values } }, finalMessage: values.join('\n'),
      });
    }
    {
      const w = world('replace-import');
      const from = `from ${w.package}.legacy import`;
      const to = `from ${w.package}.compat import`;
      const edit = editTree(w.files);
      const changed = pythonFiles(w.files, w.root).filter((path) => content(w.files, path).split('\n').some((line) => line.startsWith(from)));
      for (const path of changed) edit.write(path, content(w.files, path).split('\n').map((line) => (line.startsWith(from) ? to + line.slice(from.length) : line)).join('\n'));
      const short = w.root.replace(HOME, '~');
      drafts.push({
        family: 'project', difficulty: 'medium', template: 'replace-import', world: w.files,
        instruction: `In ${short}, the module ${w.package}.compat replaces ${w.package}.legacy. In every .py file, change each line that starts with "${from}" so that it starts with "${to}" instead. Change nothing else: indented imports (compat.py re-exports the old helpers that way) stay as they are.`,
        inspects: [callStep('read_file', { path: `${w.root}/src/${w.package}/compat.py` }, 'inspect')],
        writes: [
          bashStep(`grep -rl '^${from.replace(/\./g, '\\.')}' . --include='*.py'`, 'confirm', w.root),
          bashStep(`grep -rl '^${from.replace(/\./g, '\\.')}' . --include='*.py' | xargs sed -i 's/^${from.replace(/\./g, '\\.')}/${to}/'`, 'write', w.root),
        ],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Updated the import in ${changed.length} files.`,
      });
    }
    {
      const w = world('count-test-lines');
      const tests = pythonFiles(w.files, `${w.root}/tests`);
      const value = tests.reduce((sum, path) => sum + content(w.files, path).split('\n').length - 1, 0);
      const short = w.root.replace(HOME, '~');
      drafts.push({
        family: 'project', difficulty: 'easy', template: 'count-test-lines', world: w.files,
        instruction: `How many lines are there in total in the .py files directly inside ${short}/tests? Answer with the number only.`,
        inspects: [bashStep(`cat ${short}/tests/*.py | wc -l`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
    {
      const w = world('clean-build');
      const edit = editTree(w.files);
      const caches = Object.keys(w.files).filter((path) => path.startsWith(`${w.root}/`) && path.endsWith('/__pycache__'));
      for (const path of caches) edit.remove(path);
      for (const path of Object.keys(edit.files).filter((path) => path.startsWith(`${w.root}/`) && path.endsWith('.pyc'))) edit.remove(path);
      const short = w.root.replace(HOME, '~');
      drafts.push({
        family: 'project', difficulty: 'hard', template: 'clean-build', world: w.files,
        instruction: `Clean the build leftovers in ${short}: remove every __pycache__ directory, and every .pyc file wherever it is. Leave the sources and everything else untouched.`,
        inspects: [callStep('read_file', { path: `${w.root}/.gitignore` }, 'inspect')],
        writes: [
          bashStep("find . -type d -name '__pycache__'", 'confirm', w.root),
          bashStep("find . -type d -name '__pycache__' -prune -exec rm -rf {} +", 'write', w.root),
          bashStep("find . -type f -name '*.pyc'", 'confirm', w.root),
          bashStep("find . -type f -name '*.pyc' -delete", 'write', w.root),
        ],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Removed ${caches.length} __pycache__ directories and the stray .pyc files.`,
      });
    }
    {
      const w = world('tidy-requirements');
      const path = `${w.root}/requirements.txt`;
      const unique = [...new Set(content(w.files, path).split('\n').filter((line) => line !== ''))].sort(foldedOrder);
      const edit = editTree(w.files).write(path, `${unique.join('\n')}\n`);
      const short = w.root.replace(HOME, '~');
      drafts.push({
        family: 'project', difficulty: 'medium', template: 'tidy-requirements', world: w.files,
        instruction: `${short}/requirements.txt lists some requirements twice and is out of order. Rewrite it in place so that every line appears once, sorted alphabetically ignoring case; keep the lines exactly as they are written.`,
        inspects: [bashStep(`sort ${short}/requirements.txt | uniq -d`, 'inspect')],
        writes: [callStep('read_file', { path }, 'confirm'), bashStep('sort -fu requirements.txt -o requirements.txt', 'write', w.root)],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `requirements.txt now has ${unique.length} sorted, unique lines.`,
      });
    }
  }
  return drafts;
}
