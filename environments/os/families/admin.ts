/**
 * Admin: permissions and configuration. The user's scripts in ~/bin, SSH keys with careless modes, a
 * web root with world-writable files, and the shop's configuration files with commented-out decoys.
 */
import { callStep, createRandom, seedOf } from '../../../src/toolkit/index.ts';
import { HOME, type FileTable } from '../machine.ts';
import { filler, pickDistinct } from '../names.ts';
import { bashStep, type TaskDraft } from '../task.ts';
import { createTree, editTree, viewOf } from '../tree.ts';

const SCRIPT_NAMES = ['backup.sh', 'deploy.sh', 'rotate-logs.sh', 'sync-photos.sh', 'check-disk.sh', 'renew-certs.sh', 'db-dump.sh'];
const WEB_FILES = ['index.html', 'about.html', 'checkout.html', 'assets/app.js', 'assets/vendor.js', 'assets/style.css', 'assets/logo.svg', 'uploads/banner-summer.jpg', 'uploads/banner-winter.jpg', 'uploads/catalogue.pdf', 'robots.txt'];
const KEYS = ['id_ed25519', 'id_rsa', 'deploy_key', 'github_ci'];

interface AdminWorld {
  files: FileTable;
  scripts: string[];
  keys: string[];
  web: string[];
  settings: Record<string, string>;
}

function buildWorld(seed: number): AdminWorld {
  const random = createRandom(seed);
  const tree = createTree();
  const scripts = pickDistinct(random, SCRIPT_NAMES, random.int(3, 5)).sort();
  for (const name of scripts) {
    tree.file(`${HOME}/bin/${name}`, `#!/bin/bash\n# ${name.replace('.sh', '').replace(/-/g, ' ')}\nset -euo pipefail\necho "running ${name}"\n`, { mode: random.pick([0o644, 0o644, 0o600, 0o755, 0o744]), age: random.int(5, 200) });
  }
  tree.file(`${HOME}/bin/README`, 'Helper scripts; run them from cron.\n', { age: 200 });
  tree.file(`${HOME}/bin/config.env`, 'BACKUP_TARGET=/mnt/backup\n', { mode: 0o644, age: 100 });
  const keys = pickDistinct(random, KEYS, random.int(2, 3)).sort();
  for (const key of keys) {
    tree.file(`${HOME}/.ssh/${key}`, `-----BEGIN OPENSSH PRIVATE KEY-----\n${filler(random, 280)}\n-----END OPENSSH PRIVATE KEY-----\n`, { mode: random.pick([0o644, 0o664, 0o640, 0o600]), age: 300 });
    tree.file(`${HOME}/.ssh/${key}.pub`, `ssh-ed25519 ${filler(random, 68)} user@laptop\n`, { mode: random.pick([0o644, 0o600, 0o666]), age: 300 });
  }
  tree.file(`${HOME}/.ssh/known_hosts`, `github.com ssh-ed25519 ${filler(random, 68)}\n`, { mode: 0o644, age: 30 });
  tree.file(`${HOME}/.ssh/config`, 'Host deploy\n    HostName 10.20.4.12\n    User deploy\n', { mode: random.pick([0o644, 0o664]), age: 60 });
  tree.directory(`${HOME}/.ssh`, { mode: random.pick([0o755, 0o775]), age: 300 });
  const web: string[] = [];
  for (const name of WEB_FILES) {
    const path = `/srv/www/shop/${name}`;
    web.push(path);
    tree.file(path, name.endsWith('.html') ? `<!doctype html>\n<title>${name}</title>\n` : filler(random, random.int(200, 1500)), { mode: random.chance(0.3) ? random.pick([0o666, 0o646, 0o777]) : random.pick([0o644, 0o664, 0o640]), age: random.int(1, 90) });
  }
  const settings = {
    port: String(random.pick([8080, 8000, 3000])),
    debug: 'true',
    workers: String(random.int(2, 8)),
    max_connections: String(random.pick([64, 128, 200, 256, 500])),
  };
  tree.file(
    '/etc/shop/app.conf',
    [
      '# Shop application settings',
      `# port = 80   (the old value, before the proxy)`,
      `port = ${settings.port}`,
      'admin_port = 9090',
      `debug = ${settings.debug}`,
      `workers = ${settings.workers}`,
      '# debug = false',
      'log_level = info',
      '',
    ].join('\n'),
    { age: 50 },
  );
  tree.file(
    '/etc/shop/db.conf',
    ['[database]', 'host = 10.20.4.30', 'name = shop', `# max_connections = ${Number(settings.max_connections) * 2}`, `max_connections = ${settings.max_connections}`, 'pool_timeout = 30', ''].join('\n'),
    { mode: 0o640, age: 50 },
  );
  tree.file('/etc/shop/mail.conf', 'relay = smtp.example.com\nfrom = shop@example.com\n', { age: 50 });
  return { files: tree.build(), scripts, keys, web, settings };
}

function modeOf(files: FileTable, path: string): number {
  const entry = files[path];
  return entry && entry.type !== 'symlink' ? entry.mode : 0;
}

/** The admin tasks: six templates, two variants each. */
export function adminTasks(seed: number): TaskDraft[] {
  const drafts: TaskDraft[] = [];
  for (const variant of [0, 1]) {
    const world = (template: string, accept: (world: AdminWorld) => boolean = () => true): AdminWorld => {
      for (let attempt = 0; ; attempt++) {
        const candidate = buildWorld(seedOf(seed, 'admin', template, variant, attempt));
        if (accept(candidate)) return candidate;
      }
    };
    const worldWritable = (w: AdminWorld) => w.web.filter((path) => (modeOf(w.files, path) & 0o002) !== 0);

    {
      const mode = variant === 0 ? 0o755 : 0o700;
      const w = world('scripts-executable', (candidate) => candidate.scripts.some((name) => modeOf(candidate.files, `${HOME}/bin/${name}`) !== mode));
      const edit = editTree(w.files);
      for (const name of w.scripts) edit.chmod(`${HOME}/bin/${name}`, mode);
      drafts.push({
        family: 'admin', difficulty: 'easy', template: 'scripts-executable', world: w.files,
        instruction: variant === 0
          ? 'Make every .sh script in ~/bin readable and executable by everyone and writable only by me (mode 755). Leave the other files in ~/bin alone.'
          : 'The .sh scripts in ~/bin should be usable by me only: set each of them to mode 700 (read, write and execute for the owner, nothing for anyone else). Leave the other files in ~/bin alone.',
        inspects: [callStep('read_file', { path: `${HOME}/bin/README` }, 'inspect')],
        writes: [callStep('list_directory', { path: `${HOME}/bin` }, 'confirm'), bashStep(`chmod ${mode.toString(8)} *.sh`, 'write', `${HOME}/bin`)],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Set mode ${mode.toString(8)} on ${w.scripts.length} scripts in ~/bin.`,
      });
    }
    {
      const w = world('lock-ssh');
      const edit = editTree(w.files).chmod(`${HOME}/.ssh`, 0o700);
      for (const key of w.keys) edit.chmod(`${HOME}/.ssh/${key}`, 0o600).chmod(`${HOME}/.ssh/${key}.pub`, 0o644);
      drafts.push({
        family: 'admin', difficulty: 'medium', template: 'lock-ssh', world: w.files,
        instruction: 'Lock down ~/.ssh: the directory itself must be 700, every private key (the key files that have a matching .pub) 600, and every public key (.pub) 644. Leave the modes of the other files there as they are.',
        inspects: [callStep('read_file', { path: `${HOME}/.ssh/config` }, 'inspect')],
        writes: [
          bashStep("stat -c '%a %n' ~/.ssh ~/.ssh/*", 'confirm'),
          bashStep(`chmod 700 . && chmod 600 ${w.keys.join(' ')} && chmod 644 *.pub`, 'write', `${HOME}/.ssh`),
        ],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `~/.ssh is 700, ${w.keys.length} private keys 600, their public keys 644.`,
      });
    }
    {
      const w = world('count-world-writable', (candidate) => worldWritable(candidate).length >= 2);
      const value = worldWritable(w).length;
      drafts.push({
        family: 'admin', difficulty: 'easy', template: 'count-world-writable', world: w.files,
        instruction: 'How many files under /srv/www can be written by anyone (world-writable)? Answer with the number only.',
        inspects: [bashStep('find /srv/www -type f -perm -002 | wc -l', 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
    {
      const w = world('fix-world-writable', (candidate) => worldWritable(candidate).length >= 2);
      const edit = editTree(w.files);
      for (const path of worldWritable(w)) edit.chmod(path, modeOf(w.files, path) & ~0o002);
      drafts.push({
        family: 'admin', difficulty: 'medium', template: 'fix-world-writable', world: w.files,
        instruction: 'Some files under /srv/www are world-writable. Take away write permission for others from each of them, without changing any other permission bit of any file.',
        inspects: [bashStep('ls /srv/www', 'inspect')],
        writes: [bashStep("find . -type f -perm -002 -exec stat -c '%a %n' {} +", 'confirm', '/srv/www'), bashStep('find . -type f -perm -002 -exec chmod o-w {} +', 'write', '/srv/www')],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Removed write permission for others from ${worldWritable(w).length} files.`,
      });
    }
    {
      const w = world('edit-config');
      const [key, value] = variant === 0 ? ['port', '8443'] : ['workers', String(Number(w.settings.workers) * 2)];
      const current = w.settings[key]!;
      const path = '/etc/shop/app.conf';
      const edit = editTree(w.files);
      edit.write(path, edit.read(path).split('\n').map((line) => (line.startsWith(`${key} = `) ? `${key} = ${value}` : line.startsWith('debug = ') ? 'debug = false' : line)).join('\n'));
      drafts.push({
        family: 'admin', difficulty: 'medium', template: 'edit-config', world: w.files,
        instruction: `In /etc/shop/app.conf, set ${key} to ${value} and debug to false. Change nothing else in the file: commented-out lines and other settings stay exactly as they are.`,
        inspects: [bashStep(`grep -nE '${key}|debug' ${path}`, 'inspect')],
        writes: [
          callStep('read_file', { path }, 'confirm'),
          callStep('edit_file', { path, old_text: `\n${key} = ${current}\n`, new_text: `\n${key} = ${value}\n` }, 'write'),
          callStep('edit_file', { path, old_text: '\ndebug = true\n', new_text: '\ndebug = false\n' }, 'write'),
        ],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `${path}: ${key} = ${value}, debug = false.`,
      });
    }
    {
      const w = world('read-setting');
      const [file, key, value] = variant === 0 ? ['/etc/shop/db.conf', 'max_connections', w.settings.max_connections!] : ['/etc/shop/app.conf', 'debug', w.settings.debug!];
      drafts.push({
        family: 'admin', difficulty: 'easy', template: 'read-setting', world: w.files,
        instruction: `What is ${key} set to in ${file}? Commented-out lines do not count. Answer with the value only.`,
        inspects: [bashStep(`grep '^${key}' ${file}`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: /^\d+$/.test(value) ? { type: 'integer', value: Number(value) } : { type: 'text', value } }, finalMessage: value,
      });
    }
  }
  return drafts;
}

