import { afterAll, describe, expect, it } from 'vitest';
import { createOs } from '../../environments/os/index.ts';
import { MAX_COMMAND_LENGTH } from '../../environments/os/tools.ts';
import { truncate } from '../../environments/os/output.ts';
import { createShell } from '../../environments/os/shell.ts';

const os = createOs();
afterAll(() => os.shell.close());
const taskOf = (template: string) => os.tasks.find((info) => os.task(info.id).template === template)!.id;
const session = (template = 'count-photos') => os.reset(taskOf(template), 0);
const bash = (target: ReturnType<typeof session>, command: string) => target.step('bash', { command });

describe('os: bash', () => {
  it('runs a command line and keeps what it changed (legal write)', () => {
    const shell = session();
    const made = bash(shell, 'mkdir -p ~/notes && printf "a\\nb\\n" > ~/notes/list.txt && wc -l < ~/notes/list.txt');
    expect(made).toEqual({ ok: true, output: '2' });
    expect(bash(shell, 'cat /home/user/notes/list.txt').output).toBe('a\nb');
    expect(shell.peek('read_file', { path: '/home/user/notes/list.txt' })).toEqual({ ok: true, output: 'a\nb' });
  });

  it('runs one command in another directory when given a workdir, and refuses a missing one', () => {
    const shell = session();
    expect(bash(shell, 'pwd').output).toBe('/home/user');
    expect(shell.step('bash', { command: 'ls | head -2; pwd', workdir: '/var/log' })).toEqual({ ok: true, output: '/var/log' });
    expect(bash(shell, 'pwd').output).toBe('/home/user');
    expect(shell.step('bash', { command: 'ls', workdir: '/var/logs' })).toEqual({ ok: false, output: 'Error: exit status 1 (no such file or directory)\n[stderr]\nbash: cd: /var/logs: No such file or directory' });
    expect(shell.step('bash', { command: 'ls', workdir: 'var/log' }).output).toMatch(/^Error: argument 'workdir' has an invalid format/);
  });

  it('carries the working directory over to the next call, not variables', () => {
    const shell = session();
    expect(bash(shell, 'cd ~/Pictures && export MARK=1 && pwd').output).toBe('/home/user/Pictures');
    expect(bash(shell, 'pwd; echo "[$MARK]"').output).toBe('/home/user/Pictures\n[]');
  });

  it('fails like bash does on an unknown command, a prompt or fences pasted into the command (illegal)', () => {
    const shell = session();
    expect(bash(shell, 'LS -la')).toEqual({ ok: false, output: 'Error: exit status 127 (command not found)\n[stderr]\nbash: LS: command not found' });
    expect(bash(shell, '$ ls ~')).toEqual({ ok: false, output: 'Error: exit status 127 (command not found)\n[stderr]\nbash: $: command not found' });
    const fenced = bash(shell, '```bash\nls ~\n```');
    expect(fenced.ok).toBe(false);
    expect(fenced.output).toMatch(/^Error: exit status 127 \(command not found\)/);
  });

  it('reports wrong flags, missing files, bad quoting and runaway loops with the tool\'s own words', () => {
    const shell = session();
    expect(bash(shell, 'ls -Z ~')).toEqual({ ok: false, output: "Error: exit status 1 (invalid usage)\n[stderr]\nls: invalid option -- 'Z'" });
    expect(bash(shell, 'cat ~/nope.txt')).toEqual({ ok: false, output: 'Error: exit status 1 (no such file or directory)\n[stderr]\ncat: /home/user/nope.txt: No such file or directory' });
    expect(bash(shell, 'echo "unterminated').output).toMatch(/^Error: exit status 2 \(syntax error\)/);
    expect(bash(shell, 'while true; do :; done').output).toMatch(/^Error: exit status 126 \(resource limit\)/);
  });

  it('refuses an over-long command before running it', () => {
    const result = bash(session(), `echo ${'x'.repeat(MAX_COMMAND_LENGTH)}`);
    expect(result).toEqual({ ok: false, output: `Error: the command is ${MAX_COMMAND_LENGTH + 5} characters long; the limit is ${MAX_COMMAND_LENGTH} (write long scripts with write_file)` });
  });

  it('has no network, no interpreters, and a machine clock and randomness that repeat', () => {
    const shell = session();
    expect(bash(shell, 'curl https://example.com').output).toMatch(/curl: command not found/);
    expect(bash(shell, 'python3 -c "print(1)"').output).toMatch(/command not found/);
    expect(bash(shell, 'date').output).toMatch(/^Fri Jun 14 09:3\d:\d\d UTC 2024$/);
    const draw = (seed: number) => bash(os.reset(taskOf('count-photos'), seed), 'echo $RANDOM $RANDOM; sleep 30; date +%H:%M:%S').output;
    expect(draw(5)).toBe(draw(5));
    expect(draw(5)).not.toBe(draw(6));
    expect(draw(5)).toMatch(/\n09:30:30$/);
  });

  it('gives the same results with just-bash\'s defense-in-depth layer on', () => {
    const hardened = createShell({ hardened: true });
    try {
      const machine = os.createState(os.task(taskOf('count-photos')), 0);
      const command = "find ~/Pictures -iname '*.jpg' | sort | head -3; date; echo $RANDOM; touch ~/new";
      const plain = os.shell.run(machine, [command]);
      const guarded = hardened.run(machine, [command]);
      expect(guarded.outcomes).toEqual(plain.outcomes);
      expect(guarded.machine.files).toEqual(plain.machine.files);
    } finally {
      hardened.close();
    }
  });

  it('reports a command the shell gave up on as timed out, and starts afresh', () => {
    const impatient = createShell({ timeoutMs: 1 });
    try {
      const machine = os.createState(os.task(taskOf('count-photos')), 0);
      const { outcomes, machine: after } = impatient.run(machine, ['ls']);
      expect(outcomes).toEqual([{ stdout: '', stderr: 'bash: command timed out after 1 ms\n', exitCode: 124 }]);
      expect(after.files).toEqual(machine.files);
    } finally {
      impatient.close();
    }
  });

  it('never reaches the real filesystem', () => {
    const shell = session();
    expect(bash(shell, 'ls /work /etc/passwd /proc/1/environ 2>&1; true').output).toMatch(/No such file or directory/);
    expect(bash(shell, 'cat /etc/hostname').output).toBe('shop-web-01');
  });

  it('cuts long output and says how to see less', () => {
    const text = Array.from({ length: 150 }, (_, index) => `line ${index}`).join('\n');
    expect(truncate(text)).toMatch(/^line 0\n[\s\S]*\nline 99\n\[output truncated: 100 of 150 line\(s\) shown; narrow it down with head, tail, grep or wc\]$/);
    expect(bash(session(), 'seq 1 500').output.split('\n')).toHaveLength(101);
  });
});

describe('os: write_file', () => {
  it('creates a file and its parents, keeping an existing file\'s mode (legal write)', () => {
    const shell = session();
    expect(shell.step('write_file', { path: '/home/user/bin/new/tool.sh', content: '#!/bin/bash\necho hi\n' })).toEqual({ ok: true, output: 'Wrote 20 bytes to /home/user/bin/new/tool.sh' });
    expect(bash(shell, "stat -c '%a' ~/bin/new/tool.sh").output).toBe('644');
    expect(bash(shell, '~/bin/new/tool.sh').output).toMatch(/^Error: exit status 126 \(permission denied\)\n\[stderr\]\nbash: \/home\/user\/bin\/new\/tool.sh: Permission denied$/);
    bash(shell, 'chmod 750 ~/bin/new/tool.sh');
    expect(bash(shell, '~/bin/new/tool.sh').output).toBe('hi');
    shell.step('write_file', { path: '/home/user/bin/new/tool.sh', content: 'echo again\n' });
    expect(bash(shell, "stat -c '%a' ~/bin/new/tool.sh").output).toBe('750');
  });

  it('refuses a directory, a relative path and the shell\'s own folders (illegal)', () => {
    const shell = session();
    expect(shell.step('write_file', { path: '/home/user/Pictures', content: 'x' })).toEqual({ ok: false, output: 'Error: /home/user/Pictures: Is a directory' });
    expect(shell.step('write_file', { path: 'notes.txt', content: 'x' })).toEqual({ ok: false, output: "Error: argument 'path' has an invalid format: 'notes.txt' does not match ^/[^\\n]*$" });
    expect(shell.step('write_file', { path: '/bin/ls', content: 'x' })).toEqual({ ok: false, output: 'Error: /bin/ls: Read-only file system' });
    expect(shell.step('write_file', { path: '/etc/hostname/x', content: 'x' })).toEqual({ ok: false, output: 'Error: /etc/hostname: Not a directory' });
  });
});

describe('os: edit_file', () => {
  it('replaces exactly one occurrence and keeps the mode (legal write)', () => {
    const shell = session('edit-config');
    expect(shell.step('edit_file', { path: '/etc/shop/db.conf', old_text: 'pool_timeout = 30', new_text: 'pool_timeout = 45' })).toEqual({ ok: true, output: 'Edited /etc/shop/db.conf: replaced 1 occurrence at line 6' });
    expect(bash(shell, "grep pool_timeout /etc/shop/db.conf && stat -c '%a' /etc/shop/db.conf").output).toBe('pool_timeout = 45\n640');
  });

  it('refuses text that is missing, ambiguous or empty, and a missing file (illegal)', () => {
    const shell = session('edit-config');
    expect(shell.step('edit_file', { path: '/etc/shop/app.conf', old_text: 'port=8080', new_text: 'port=8443' })).toEqual({
      ok: false,
      output: 'Error: old_text was not found in /etc/shop/app.conf (it must match the file exactly, spaces and line breaks included; read_file shows the content)',
    });
    expect(shell.step('edit_file', { path: '/etc/shop/app.conf', old_text: 'debug = ', new_text: 'debug = false' }).output).toBe(
      'Error: old_text appears 2 times in /etc/shop/app.conf; include more of the surrounding text so that it matches exactly once',
    );
    expect(shell.step('edit_file', { path: '/etc/shop/app.conf', old_text: '', new_text: 'x' }).output).toBe('Error: old_text must not be empty (use write_file to create or replace a whole file)');
    expect(shell.step('edit_file', { path: '/etc/shop/none.conf', old_text: 'a', new_text: 'b' }).output).toBe('Error: /etc/shop/none.conf: No such file or directory');
  });
});

describe('os: move_path', () => {
  it('moves a file or a whole folder to a new path (legal write)', () => {
    const shell = session('archive-download');
    bash(shell, 'mkdir -p ~/Archive');
    const name = bash(shell, 'ls ~/Downloads | head -1').output;
    expect(shell.step('move_path', { source: `/home/user/Downloads/${name}`, destination: `/home/user/Archive/${name}` })).toEqual({ ok: true, output: `Moved /home/user/Downloads/${name} to /home/user/Archive/${name}` });
    expect(bash(shell, 'ls ~/Archive').output).toBe(name);
    expect(shell.step('move_path', { source: '/home/user/Archive', destination: '/home/user/Old' }).ok).toBe(true);
    expect(bash(shell, 'ls ~/Old').output).toBe(name);
  });

  it('refuses a missing source, an existing destination, a missing folder and a move into itself (illegal)', () => {
    const shell = session('archive-download');
    expect(shell.step('move_path', { source: '/home/user/nope', destination: '/home/user/x' }).output).toBe('Error: /home/user/nope: No such file or directory');
    expect(shell.step('move_path', { source: '/home/user/.bashrc', destination: '/home/user/Downloads' }).output).toBe(
      'Error: /home/user/Downloads: File exists (move into a folder by naming the new path in full, e.g. /home/user/Downloads/.bashrc)',
    );
    expect(shell.step('move_path', { source: '/home/user/.bashrc', destination: '/home/user/Archive/.bashrc' }).output).toBe(
      'Error: /home/user/Archive: No such file or directory (create the folder first, e.g. with bash mkdir -p)',
    );
    expect(shell.step('move_path', { source: '/home/user/Downloads', destination: '/home/user/Downloads/inner' }).output).toBe('Error: cannot move /home/user/Downloads into itself');
  });
});

describe('os: read-only tools', () => {
  it('are marked read-only and answer peek; the tools that change files are writes and refuse peek', () => {
    const readOnly = Object.fromEntries(os.tools.map((tool) => [tool.name, tool.readOnly]));
    expect(readOnly).toEqual({ bash: false, write_file: false, edit_file: false, move_path: false, read_file: true, list_directory: true });
    const shell = session('lock-ssh');
    expect(shell.peek('bash', { command: 'rm -rf ~' })).toEqual({ ok: false, output: 'Error: peek only allows read-only tools' });
    const listing = shell.peek('list_directory', { path: '/home/user/.ssh' });
    expect(listing.ok).toBe(true);
    expect(listing.output).toMatch(/^-rw-r--r-- +\d+ \d{4}-\d\d-\d\d \d\d:\d\d known_hosts$/m);
  });

  it('read files and directories with realistic errors', () => {
    const shell = session();
    expect(shell.step('read_file', { path: '/etc/hostname' })).toEqual({ ok: true, output: 'shop-web-01' });
    expect(shell.step('read_file', { path: '/etc/nope' })).toEqual({ ok: false, output: 'Error: /etc/nope: No such file or directory' });
    expect(shell.step('read_file', { path: '/etc' })).toEqual({ ok: false, output: 'Error: /etc: Is a directory (use list_directory)' });
    expect(shell.step('list_directory', { path: '/etc/hostname' })).toEqual({ ok: false, output: 'Error: /etc/hostname: Not a directory' });
    expect(shell.step('list_directory', { path: '/home/user/../user/./Desktop' }).output).toMatch(/ todo\.txt$/m);
  });
});
