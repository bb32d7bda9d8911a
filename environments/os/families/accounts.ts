/**
 * Accounts: the machine's users and groups, as /etc/passwd and /etc/group hold them (the system
 * accounts of a Debian server plus people and service accounts), and the home directories under /home,
 * some of them left behind by deleted accounts. AgentBench's user questions, answered from the files.
 */
import { callStep, createRandom, seedOf } from '../../../src/toolkit/index.ts';
import { HOME, type FileTable } from '../machine.ts';
import { FIRST_NAMES, LAST_NAMES, pickDistinct } from '../names.ts';
import { bashStep, type TaskDraft } from '../task.ts';
import { createTree, editTree, viewOf } from '../tree.ts';

interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  gecos: string;
}

interface Group {
  name: string;
  gid: number;
  members: string[];
}

interface AccountsWorld {
  files: FileTable;
  accounts: Account[];
  groups: Group[];
  /** Directories under /home (names). */
  homes: string[];
}

const SYSTEM: readonly [string, number, string, string][] = [
  ['root', 0, '/root', '/bin/bash'],
  ['daemon', 1, '/usr/sbin', '/usr/sbin/nologin'],
  ['bin', 2, '/bin', '/usr/sbin/nologin'],
  ['sys', 3, '/dev', '/usr/sbin/nologin'],
  ['sync', 4, '/bin', '/bin/sync'],
  ['games', 5, '/usr/games', '/usr/sbin/nologin'],
  ['man', 6, '/var/cache/man', '/usr/sbin/nologin'],
  ['lp', 7, '/var/spool/lpd', '/usr/sbin/nologin'],
  ['mail', 8, '/var/mail', '/usr/sbin/nologin'],
  ['news', 9, '/var/spool/news', '/usr/sbin/nologin'],
  ['www-data', 33, '/var/www', '/usr/sbin/nologin'],
  ['backup', 34, '/var/backups', '/usr/sbin/nologin'],
  ['nobody', 65534, '/nonexistent', '/usr/sbin/nologin'],
  ['systemd-network', 998, '/', '/usr/sbin/nologin'],
  ['sshd', 105, '/run/sshd', '/usr/sbin/nologin'],
  ['postgres', 106, '/var/lib/postgresql', '/bin/bash'],
];
const SHELLS = ['/bin/bash', '/bin/bash', '/bin/bash', '/usr/bin/zsh', '/bin/sh', '/usr/bin/fish'];
const TEAM_GROUPS = ['docker', 'developers', 'deploy', 'finance', 'support', 'ops'];

function buildWorld(seed: number): AccountsWorld {
  const random = createRandom(seed);
  const accounts: Account[] = SYSTEM.map(([name, uid, home, shell]) => ({ name, uid, gid: uid === 65534 ? 65534 : uid, home, shell, gecos: name }));
  const names = new Set(accounts.map((account) => account.name));
  const people = random.int(7, 12);
  accounts.push({ name: 'user', uid: 1000, gid: 1000, home: HOME, shell: '/bin/bash', gecos: 'Shop Admin,,,' });
  names.add('user');
  let uid = 1001 + random.int(0, 2);
  for (let index = 0; index < people; index++) {
    let first = '';
    let last = '';
    do {
      first = random.pick(FIRST_NAMES);
      last = random.pick(LAST_NAMES);
    } while (names.has(`${first[0]!.toLowerCase()}${last.toLowerCase()}`));
    const name = `${first[0]!.toLowerCase()}${last.toLowerCase()}`;
    names.add(name);
    accounts.push({ name, uid, gid: uid, home: `/home/${name}`, shell: random.pick(SHELLS), gecos: `${first} ${last},,,` });
    uid += random.int(1, 3);
  }
  for (const service of pickDistinct(random, ['deploy', 'ci-runner', 'metrics'], 2)) accounts.push({ name: service, uid: uid++, gid: uid, home: `/home/${service}`, shell: random.pick(['/usr/sbin/nologin', '/bin/bash']), gecos: `${service} service` });
  const humans = accounts.filter((account) => account.uid >= 1000 && account.uid < 65534).map((account) => account.name);
  const groups: Group[] = [
    { name: 'root', gid: 0, members: [] },
    { name: 'adm', gid: 4, members: ['syslog'] },
    { name: 'sudo', gid: 27, members: ['user', ...pickDistinct(random, humans, random.int(1, 3))].sort() },
    { name: 'www-data', gid: 33, members: [] },
    { name: 'users', gid: 100, members: [] },
  ];
  let gid = 1100;
  for (const team of pickDistinct(random, TEAM_GROUPS, 4)) groups.push({ name: team, gid: gid++, members: random.chance(0.15) ? [] : pickDistinct(random, humans, random.int(2, Math.min(5, humans.length))).sort() });
  const passwd = accounts.map((account) => `${account.name}:x:${account.uid}:${account.gid}:${account.gecos}:${account.home}:${account.shell}`);
  const group = groups.map((entry) => `${entry.name}:x:${entry.gid}:${entry.members.join(',')}`);
  const tree = createTree().file('/etc/passwd', `${passwd.join('\n')}\n`, { age: 20 }).file('/etc/group', `${group.join('\n')}\n`, { age: 20 }).file('/etc/shells', '/bin/sh\n/bin/bash\n/usr/bin/zsh\n/usr/bin/fish\n', { age: 300 });
  const homes = ['user', ...accounts.filter((account) => account.home.startsWith('/home/') && account.name !== 'user' && random.chance(0.8)).map((account) => account.name)];
  const orphans = pickDistinct(random, ['jdoe', 'olduser', 'intern2022', 'tmpadmin', 'contractor'], random.int(1, 3));
  for (const name of [...homes, ...orphans]) {
    if (name !== 'user') tree.file(`/home/${name}/.profile`, '# ~/.profile\n', { age: 100 });
  }
  return { files: tree.build(), accounts, groups, homes: [...homes, ...orphans].sort() };
}

function counts(values: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const value of values) map.set(value, (map.get(value) ?? 0) + 1);
  return map;
}

/** The accounts tasks: six templates, two variants each. */
export function accountsTasks(seed: number): TaskDraft[] {
  const drafts: TaskDraft[] = [];
  for (const variant of [0, 1]) {
    const world = (template: string, accept: (world: AccountsWorld) => boolean = () => true): AccountsWorld => {
      for (let attempt = 0; ; attempt++) {
        const candidate = buildWorld(seedOf(seed, 'accounts', template, variant, attempt));
        if (accept(candidate)) return candidate;
      }
    };

    {
      const w = world('count-shell');
      const shell = variant === 0 ? '/bin/bash' : '/usr/sbin/nologin';
      const value = w.accounts.filter((account) => account.shell === shell).length;
      drafts.push({
        family: 'accounts', difficulty: 'easy', template: 'count-shell', world: w.files,
        instruction: `How many accounts in /etc/passwd have ${shell} as their login shell? Answer with the number only.`,
        inspects: [bashStep(`awk -F: '$7 == "${shell}"' /etc/passwd | wc -l`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
    {
      const w = world('leave-group', (candidate) => candidate.groups.some((group) => group.members.length >= 2 && group.name !== 'sudo'));
      const random = createRandom(seedOf(seed, 'leave-group', variant));
      const group = random.pick(w.groups.filter((entry) => entry.members.length >= 2 && entry.name !== 'sudo'));
      const leaver = random.pick(group.members);
      const before = `${group.name}:x:${group.gid}:${group.members.join(',')}`;
      const after = `${group.name}:x:${group.gid}:${group.members.filter((member) => member !== leaver).join(',')}`;
      const edit = editTree(w.files);
      edit.write('/etc/group', edit.read('/etc/group').replace(`${before}\n`, `${after}\n`));
      drafts.push({
        family: 'accounts', difficulty: 'medium', template: 'leave-group', world: w.files,
        instruction: `${leaver} has left the team: take them out of the group ${group.name} in /etc/group (there is no gpasswd here), leaving the other members and every other group as they are.`,
        inspects: [bashStep(`grep '^${group.name}:' /etc/group`, 'inspect')],
        writes: [callStep('read_file', { path: '/etc/group' }, 'confirm'), callStep('edit_file', { path: '/etc/group', old_text: `${before}\n`, new_text: `${after}\n` }, 'write')],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Removed ${leaver} from ${group.name}.`,
      });
    }
    {
      const regularOf = (candidate: AccountsWorld) => candidate.accounts.filter((account) => account.uid >= 1000 && account.uid < 65534 && account.name !== 'user').sort((a, b) => a.uid - b.uid);
      const pickOf = (candidate: AccountsWorld) => (variant === 0 ? regularOf(candidate).at(-1)! : regularOf(candidate)[0]!);
      const w = world('lock-account', (candidate) => pickOf(candidate).shell !== '/usr/sbin/nologin');
      const account = pickOf(w);
      const line = `${account.name}:x:${account.uid}:${account.gid}:${account.gecos}:${account.home}:${account.shell}`;
      const locked = `${account.name}:x:${account.uid}:${account.gid}:${account.gecos}:${account.home}:/usr/sbin/nologin`;
      const edit = editTree(w.files);
      edit.write('/etc/passwd', edit.read('/etc/passwd').replace(`${line}\n`, `${locked}\n`));
      drafts.push({
        family: 'accounts', difficulty: 'medium', template: 'lock-account', world: w.files,
        instruction: `Among the regular accounts (UID 1000 or above, not counting nobody nor your own account, user), the one with the ${variant === 0 ? 'highest' : 'lowest'} UID must no longer log in: set its login shell in /etc/passwd to /usr/sbin/nologin, changing nothing else.`,
        inspects: [bashStep(`awk -F: '$3 > 1000 && $3 < 65534' /etc/passwd | sort -t: -k3 -n | ${variant === 0 ? 'tail' : 'head'} -1`, 'inspect')],
        writes: [callStep('read_file', { path: '/etc/passwd' }, 'confirm'), callStep('edit_file', { path: '/etc/passwd', old_text: `${line}\n`, new_text: `${locked}\n` }, 'write')],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `${account.name} now has /usr/sbin/nologin as its shell.`,
      });
    }
    {
      const w = world('archive-orphans');
      const known = new Set(w.accounts.filter((account) => account.home.startsWith('/home/')).map((account) => account.home.slice('/home/'.length)));
      const orphans = w.homes.filter((name) => !known.has(name));
      const archive = variant === 0 ? '/srv/archive/homes' : '/var/backups/orphaned-homes';
      const edit = editTree(w.files).mkdir(archive);
      for (const name of orphans) edit.move(`/home/${name}`, `${archive}/${name}`);
      drafts.push({
        family: 'accounts', difficulty: 'hard', template: 'archive-orphans', world: w.files,
        instruction: `Some directories in /home belong to no account: no entry in /etc/passwd has them as its home directory. Move each of them, whole, into ${archive} (create it if needed). Leave the other home directories where they are.`,
        inspects: [bashStep("comm -23 <(ls /home | sort) <(cut -d: -f6 /etc/passwd | grep '^/home/' | cut -d/ -f3 | sort)", 'inspect')],
        writes: [
          bashStep(`mkdir -p ${archive}`, 'write'),
          callStep('list_directory', { path: '/home' }, 'confirm'),
          bashStep(`mv ${orphans.join(' ')} ${archive}/`, 'write', '/home'),
        ],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Moved ${orphans.join(', ')} to ${archive}.`,
      });
    }
    {
      const w = world('shell-report', (candidate) => new Set(counts(candidate.accounts.map((account) => account.shell)).values()).size === counts(candidate.accounts.map((account) => account.shell)).size);
      const target = variant === 0 ? `${HOME}/reports/shells.txt` : `${HOME}/audit/login-shells.txt`;
      const lines = [...counts(w.accounts.map((account) => account.shell))].sort((a, b) => b[1] - a[1]).map(([shell, count]) => `${count} ${shell}`);
      const edit = editTree(w.files).write(target, `${lines.join('\n')}\n`);
      const short = target.replace(HOME, '~');
      const directory = short.slice(0, short.lastIndexOf('/'));
      drafts.push({
        family: 'accounts', difficulty: 'hard', template: 'shell-report', world: w.files,
        instruction: `Write ${short} (create the folder if needed) with one line per login shell used in /etc/passwd: the number of accounts using it, a space, and the shell, the most used first.`,
        inspects: [bashStep('cut -d: -f7 /etc/passwd | sort | uniq -c', 'inspect')],
        writes: [bashStep(`mkdir -p ${directory} && cut -d: -f7 /etc/passwd | sort | uniq -c | sort -rn | awk '{print $1, $2}' > ${short}`, 'write')],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Wrote ${lines.length} lines to ${short}.`,
      });
    }
    {
      const w = world('groups-with-members');
      const value = variant === 0 ? w.groups.filter((group) => group.members.length > 0).length : w.groups.filter((group) => group.members.length === 0).length;
      drafts.push({
        family: 'accounts', difficulty: 'medium', template: 'groups-with-members', world: w.files,
        instruction: `How many groups in /etc/group ${variant === 0 ? 'list at least one member' : 'list no members at all'}? Answer with the number only.`,
        inspects: [bashStep('head -n 5 /etc/group', 'inspect'), bashStep(`awk -F: '$4 ${variant === 0 ? '!=' : '=='} ""' /etc/group | wc -l`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
  }
  return drafts;
}

