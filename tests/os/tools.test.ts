import { afterAll, describe, expect, it } from 'vitest';
import { createOs } from '../../environments/os/index.ts';
import { MAX_COMMAND_LENGTH } from '../../environments/os/tools.ts';
import { truncate } from '../../environments/os/output.ts';

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
    expect(shell.step('write_file', { path: 'notes.txt', content: 'x' })).toEqual({ ok: false, output: "Error: argument 'path' has an invalid format: 'notes.txt' does not match ^/" });
    expect(shell.step('write_file', { path: '/bin/ls', content: 'x' })).toEqual({ ok: false, output: 'Error: /bin/ls: Read-only file system' });
    expect(shell.step('write_file', { path: '/etc/hostname/x', content: 'x' })).toEqual({ ok: false, output: 'Error: /etc/hostname: Not a directory' });
  });
});

describe('os: read-only tools', () => {
  it('are marked read-only and answer peek; bash and write_file are writes and refuse peek', () => {
    const readOnly = Object.fromEntries(os.tools.map((tool) => [tool.name, tool.readOnly]));
    expect(readOnly).toEqual({ bash: false, write_file: false, read_file: true, list_directory: true });
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
