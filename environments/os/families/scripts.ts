/**
 * Scripts: write a small executable bash script in ~/bin. Judged as AgentBench judges its command tasks:
 * by running the script with test arguments (on the starting machine, so nothing the agent did elsewhere
 * matters) and comparing what it prints, and the files it makes.
 */
import { callStep, createRandom, seedOf } from '../../../src/toolkit/index.ts';
import { HOME, type FileTable } from '../machine.ts';
import { filler, ipPool, pad, pickDistinct } from '../names.ts';
import { bashStep, type ScriptCase, type TaskDraft } from '../task.ts';
import { createTree } from '../tree.ts';

const BIN = `${HOME}/bin`;

function scriptSteps(path: string, source: string) {
  return [callStep('write_file', { path, content: source }, 'write'), bashStep(`chmod +x ${path.slice(path.lastIndexOf('/') + 1)}`, 'write', BIN)];
}

/** A tree with files of several extensions in nested folders. */
function extensionWorld(seed: number): { files: FileTable; count: (root: string, extension: string) => number } {
  const random = createRandom(seed);
  const tree = createTree();
  const folders = ['docs', 'docs/drafts', 'docs/2024', 'archive', 'archive/old', 'notes'];
  const extensions = ['md', 'txt', 'pdf', 'csv', 'log'];
  for (const folder of folders) {
    for (let index = 0; index < random.int(2, 6); index++) {
      tree.file(`${HOME}/work/${folder}/${random.pick(['plan', 'minutes', 'budget', 'todo', 'report', 'draft'])}-${pad(index + 1)}.${random.pick(extensions)}`, `${filler(random, random.int(20, 200))}\n`, { age: random.int(1, 100) });
    }
  }
  tree.file(`${HOME}/work/.hidden.md`, 'hidden\n', { age: 3 });
  const files = tree.build();
  const count = (root: string, extension: string) => Object.keys(files).filter((path) => path.startsWith(`${root}/`) && files[path]!.type === 'file' && path.endsWith(`.${extension}`)).length;
  return { files, count };
}

/** The scripts tasks: four templates, two variants each. */
export function scriptsTasks(seed: number): TaskDraft[] {
  const drafts: TaskDraft[] = [];
  for (const variant of [0, 1]) {
    {
      const name = variant === 0 ? 'greet.sh' : 'hello.sh';
      const path = `${BIN}/${name}`;
      const [greeting, fallback] = variant === 0 ? ['Hello', 'world'] : ['Welcome', 'stranger'];
      const source = `#!/bin/bash\necho "${greeting}, \${1:-${fallback}}!"\n`;
      // Variant 0 fixes a script that is there (no fallback, not executable); variant 1 writes a new one.
      const world = createTree().file(`${BIN}/README`, 'Personal scripts.\n', { age: 40 });
      if (variant === 0) world.file(path, `#!/bin/bash\necho "${greeting}, $1!"\n`, { age: 12 });
      const cases: ScriptCase[] = [
        { args: [], stdout: `${greeting}, ${fallback}!\n` },
        { args: ['Ada'], stdout: `${greeting}, Ada!\n` },
        { args: ['Grace Hopper'], stdout: `${greeting}, Grace Hopper!\n` },
      ];
      drafts.push({
        family: 'scripts', difficulty: 'easy', template: 'greet', world: world.build(),
        instruction: variant === 0
          ? `~/bin/${name} should print "${greeting}, NAME!" where NAME is its first argument, and "${greeting}, ${fallback}!" when it gets no argument, but it misses the second case and cannot be run directly. Fix it: make it an executable bash script that does both.`
          : `Write an executable bash script ~/bin/${name} that prints "${greeting}, NAME!" where NAME is its first argument, and "${greeting}, ${fallback}!" when it gets no argument.`,
        inspects: [callStep('read_file', { path: `${BIN}/README` }, 'inspect')],
        writes: variant === 0
          ? [callStep('read_file', { path }, 'confirm'), callStep('edit_file', { path, old_text: '$1!', new_text: `\${1:-${fallback}}!` }, 'write'), bashStep(`chmod +x ${name}`, 'write', BIN)]
          : scriptSteps(path, source),
        goal: { kind: 'script', path, cases }, finalMessage: `~/bin/${name} is written and executable.`,
      });
    }
    {
      const w = extensionWorld(seedOf(seed, 'scripts', 'count-extension', variant));
      const name = variant === 0 ? 'count-ext.sh' : 'countfiles';
      const path = `${BIN}/${name}`;
      const source = '#!/bin/bash\nfind "$1" -type f -name "*.$2" | wc -l\n';
      const probes: [string, string][] = variant === 0 ? [[`${HOME}/work`, 'md'], [`${HOME}/work/docs`, 'txt'], [`${HOME}/work/archive`, 'pdf']] : [[`${HOME}/work`, 'csv'], [`${HOME}/work/notes`, 'log'], [`${HOME}/work/docs/drafts`, 'md']];
      drafts.push({
        family: 'scripts', difficulty: 'medium', template: 'count-extension', world: w.files,
        instruction: `Write an executable script ~/bin/${name}: given a directory and a file extension without the dot (e.g. \`~/bin/${name} ~/work md\`), it prints how many files with that extension are in the directory and all its subdirectories, hidden ones included, as a bare number.`,
        inspects: [callStep('list_directory', { path: `${HOME}/work` }, 'inspect')],
        writes: scriptSteps(path, source),
        goal: { kind: 'script', path, cases: probes.map(([root, extension]) => ({ args: [root, extension], stdout: `${w.count(root, extension)}\n` })) },
        finalMessage: `~/bin/${name} counts files by extension.`,
      });
    }
    {
      const random = createRandom(seedOf(seed, 'scripts', 'top-ips', variant));
      const ips = ipPool(random, 8);
      const logs: Record<string, string[]> = {};
      // Distinct counts per IP, so the ranking has no ties.
      for (const log of ['access.log', 'access.log.1']) {
        const countsByIp = random.shuffle([1, 2, 3, 4, 5, 6, 7, 9]);
        const lines: string[] = [];
        ips.forEach((ip, index) => {
          for (let hit = 0; hit < countsByIp[index]!; hit++) lines.push(`${ip} - - [13/Jun/2024:${pad(random.int(0, 23))}:${pad(random.int(0, 59))}:${pad(random.int(0, 59))} +0000] "GET /${random.pick(['', 'products', 'api/cart'])} HTTP/1.1" 200 ${random.int(100, 9000)}`);
        });
        logs[log] = random.shuffle(lines);
      }
      const tree = createTree();
      for (const [log, lines] of Object.entries(logs)) tree.file(`/var/log/nginx/${log}`, `${lines.join('\n')}\n`, { age: 1 });
      const ranking = (log: string, count: number) => {
        const tally = new Map<string, number>();
        for (const line of logs[log]!) tally.set(line.split(' ')[0]!, (tally.get(line.split(' ')[0]!) ?? 0) + 1);
        return [...tally].sort((a, b) => b[1] - a[1]).slice(0, count).map(([ip, hits]) => `${hits} ${ip}`).join('\n') + '\n';
      };
      const name = variant === 0 ? 'top-ips.sh' : 'busiest-clients';
      const path = `${BIN}/${name}`;
      const source = '#!/bin/bash\nawk \'{print $1}\' "$1" | sort | uniq -c | sort -rn | head -n "$2" | awk \'{print $1, $2}\'\n';
      // Variant 0 fixes a script that is there (it ranks the wrong way round); variant 1 writes a new one.
      if (variant === 0) tree.file(path, '#!/bin/bash\nawk \'{print $1}\' "$1" | sort | uniq -c | sort -n | head -n "$2"\n', { mode: 0o755, age: 30 });
      const usage = `given an nginx access log and a number N (e.g. \`~/bin/${name} /var/log/nginx/access.log 3\`), it prints the N client IPs with the most requests in that log, most first, one per line as "COUNT IP" (a single space between)`;
      drafts.push({
        family: 'scripts', difficulty: 'hard', template: 'top-ips', world: tree.build(),
        instruction: variant === 0 ? `~/bin/${name} is broken. Fix it so that, ${usage}.` : `Write an executable script ~/bin/${name}: ${usage}.`,
        inspects: [bashStep('head -n 3 /var/log/nginx/access.log', 'inspect')],
        writes: variant === 0
          ? [callStep('read_file', { path }, 'confirm'), callStep('edit_file', { path, old_text: '| sort -n | head -n "$2"', new_text: '| sort -rn | head -n "$2" | awk \'{print $1, $2}\'' }, 'write')]
          : scriptSteps(path, source),
        goal: { kind: 'script', path, cases: [{ args: ['/var/log/nginx/access.log', '3'], stdout: ranking('access.log', 3) }, { args: ['/var/log/nginx/access.log.1', '2'], stdout: ranking('access.log.1', 2) }] },
        finalMessage: `~/bin/${name} prints the busiest clients of a log.`,
      });
    }
    {
      const random = createRandom(seedOf(seed, 'scripts', 'backup-conf', variant));
      const source = variant === 0 ? '/etc/shop' : '/etc/nginx/conf.d';
      const configs = pickDistinct(random, ['app', 'db', 'mail', 'cache', 'queue', 'search'], random.int(2, 4)).map((base) => `${source}/${base}.conf`);
      const tree = createTree();
      for (const config of configs) tree.file(config, `# ${config}\nenabled = ${random.pick(['yes', 'no'])}\n`, { age: 30 });
      tree.file(`${source}/README`, 'Configuration files.\n', { age: 60 });
      const world = tree.build();
      const name = variant === 0 ? 'backup-conf.sh' : 'save-configs';
      const path = `${BIN}/${name}`;
      const script = '#!/bin/bash\nmkdir -p "$2"\ncount=0\nfor f in "$1"/*.conf; do\n  [ -e "$f" ] || continue\n  cp "$f" "$2/$(basename "$f").bak"\n  count=$((count + 1))\ndone\necho "$count"\n';
      const target = variant === 0 ? '/tmp/conf-backup' : `${HOME}/backups/configs`;
      const files: Record<string, string> = {};
      for (const config of configs) files[`${target}/${config.slice(config.lastIndexOf('/') + 1)}.bak`] = (world[config] as { content: string }).content;
      drafts.push({
        family: 'scripts', difficulty: 'hard', template: 'backup-conf', world,
        instruction: `Write an executable script ~/bin/${name} taking two directories: it copies every .conf file directly inside the first into the second (creating the second if needed), naming each copy after the original plus ".bak" (app.conf becomes app.conf.bak), and prints how many files it copied as a bare number.`,
        inspects: [callStep('list_directory', { path: source }, 'inspect')],
        writes: scriptSteps(path, script),
        goal: { kind: 'script', path, cases: [{ args: [source, target], stdout: `${configs.length}\n`, files }] },
        finalMessage: `~/bin/${name} backs up .conf files.`,
      });
    }
  }
  return drafts;
}
