import { afterAll, describe, expect, it } from 'vitest';
import { createOs } from '../../environments/os/index.ts';
import { answerMatches } from '../../environments/os/verify.ts';
import { solve } from './helpers.ts';

const os = createOs();
afterAll(() => os.shell.close());
const tasks = os.tasks.map((info) => os.task(info.id));
const byTemplate = (template: string) => tasks.find((task) => task.template === template)!;

describe('os: the oracle', () => {
  it('solves every task of every split from the start, every call succeeding', () => {
    for (const task of tasks) {
      const session = os.reset(task.id, 3);
      expect(solve(session), task.id).toEqual([]);
      const verification = session.verify();
      expect(verification.success, `${task.id} ${JSON.stringify(verification.checks)}`).toBe(true);
      expect(verification.reward).toBe(1);
    }
  });

  it('tags reads as inspect and changes as write, and ends with finish', () => {
    for (const task of tasks) {
      const plan = os.reset(task.id, 0).oracle();
      expect(plan.at(-1)!.purpose).toBe('finish');
      for (const step of plan.slice(0, -1)) {
        const action = step.action;
        if (action.kind !== 'call') throw new Error(`${task.id}: a finish before the end of the plan`);
        const readOnly = os.tools.find((tool) => tool.name === action.tool)!.readOnly;
        if (action.tool !== 'bash') expect(readOnly ? ['inspect', 'confirm'] : ['write'], task.id).toContain(step.purpose);
      }
      expect(plan.filter((step) => step.purpose === 'write' || step.purpose === 'confirm').length, task.id).toBe(task.writes.length);
    }
  });

  it('resumes a half-done change where it stands', () => {
    const task = byTemplate('clean-build');
    const session = os.reset(task.id, 0);
    for (const step of task.writes.slice(0, 2)) {
      if (step.action.kind !== 'call') throw new Error('expected a call');
      expect(session.step(step.action.tool, step.action.arguments).ok).toBe(true);
    }
    const plan = session.oracle();
    expect(plan.map((step) => step.purpose)).toEqual(['inspect', 'confirm', 'write', 'finish']);
    expect(plan.slice(1, 3)).toEqual(task.writes.slice(2));
  });

  it('recovers from a wrong move on a change or script task of every template', () => {
    const seen = new Set<string>();
    const sample = tasks.filter((candidate) => candidate.goal.kind !== 'answer' && !seen.has(candidate.template) && seen.add(candidate.template));
    expect(sample.length).toBeGreaterThanOrEqual(18);
    for (const task of sample) {
      const session = os.reset(task.id, 0);
      // A careless move (after the look the rules ask for): delete a file the task does not ask to touch,
      // and drop a stray file beside it.
      const victim = Object.keys(task.world).find((path) => path.startsWith('/home/user/') && task.world[path]!.type === 'file')!;
      expect(session.step('bash', { command: `ls '${victim}'` }).ok).toBe(true);
      expect(session.step('bash', { command: `rm -f '${victim}' && echo oops > ~/stray.txt` }).ok).toBe(true);
      expect(solve(session), task.id).toEqual([]);
      expect(session.verify().success, `${task.id} ${JSON.stringify(session.verify().checks)}`).toBe(true);
    }
  });

  it('recovers from a wrong change made with the task\'s own tools, and from a broken script', () => {
    const permissions = byTemplate('scripts-executable');
    const wrong = os.reset(permissions.id, 0);
    expect(wrong.step('list_directory', { path: '/home/user/bin' }).ok).toBe(true);
    expect(wrong.step('bash', { command: 'chmod 777 ~/bin/* && rm ~/bin/README' }).ok).toBe(true);
    expect(solve(wrong)).toEqual([]);
    expect(wrong.verify().success).toBe(true);

    // The greet task that asks for a new script (the other one fixes a script that is there).
    const script = tasks.find((task) => task.template === 'greet' && task.goal.kind === 'script' && !(task.goal.path in task.world))!;
    if (script.goal.kind !== 'script') throw new Error('expected a script task');
    const broken = os.reset(script.id, 0);
    broken.step('write_file', { path: script.goal.path, content: '#!/bin/bash\necho "Hello, $1!"\n' });
    broken.step('bash', { command: `chmod +x ${script.goal.path}` });
    const plan = broken.oracle();
    expect(plan.map((step) => step.purpose)).toEqual(['inspect', 'write', 'write', 'finish']);
    expect(solve(broken)).toEqual([]);
    expect(broken.verify().success).toBe(true);
  });

  it('puts back what was changed before answering a question', () => {
    const task = byTemplate('count-shell');
    const session = os.reset(task.id, 0);
    session.step('read_file', { path: '/etc/passwd' });
    session.step('bash', { command: "sed -i '1d' /etc/passwd" });
    const plan = session.oracle();
    expect(plan.slice(0, 2)).toMatchObject([
      { purpose: 'confirm', action: { kind: 'call', tool: 'read_file', arguments: { path: '/etc/passwd' } } },
      { purpose: 'write', action: { kind: 'call', tool: 'write_file', arguments: { path: '/etc/passwd' } } },
    ]);
    expect(solve(session)).toEqual([]);
    expect(session.verify().success).toBe(true);
  });
});

describe('os: the verifier', () => {
  it('fails a wrong change and names the files that differ', () => {
    const task = byTemplate('jpeg-to-jpg');
    const session = os.reset(task.id, 0);
    // Renames only the lower-case .jpeg files, misses the upper-case ones, and leaves a stray file.
    session.step('bash', { command: 'cd ~/Pictures/2024 && for f in *.jpeg; do mv "$f" "${f%.jpeg}.jpg"; done; touch ~/Pictures/2024/done' });
    session.finish('Renamed.');
    const verification = session.verify();
    expect(verification.success).toBe(false);
    expect(verification.reward).toBe(0);
    expect(verification.checks.find((check) => check.name === 'state')!.passed).toBe(false);
    const keys = verification.differences.map((difference) => difference.key);
    expect(keys).toContain('/home/user/Pictures/2024/done');
    expect(keys.some((key) => /\.JPEG$/.test(key))).toBe(true);
    expect(verification.differences.every((difference) => difference.table === 'files')).toBe(true);
  });

  it('names a mode difference by its field', () => {
    const task = byTemplate('lock-ssh');
    const session = os.reset(task.id, 0);
    session.step('bash', { command: 'chmod 700 ~/.ssh' });
    session.finish('Done.');
    const verification = session.verify();
    expect(verification.success).toBe(false);
    expect(verification.differences.length).toBeGreaterThan(0);
    expect(verification.differences.every((difference) => difference.field === 'mode')).toBe(true);
  });

  it('fails a wrong answer, and a right answer given after changing files', () => {
    const task = byTemplate('status-count');
    if (task.goal.kind !== 'answer') throw new Error('expected a question');
    const wrong = os.reset(task.id, 0);
    wrong.finish(String(Number(task.finalMessage) + 1));
    expect(wrong.verify().checks.map((check) => [check.name, check.passed])).toEqual([['output:answer', false], ['policy:read-only', true], ['policy:dry-run', true], ['finished', true]]);

    const meddled = os.reset(task.id, 0);
    meddled.step('bash', { command: 'echo "# checked" >> /var/log/nginx/access.log' });
    meddled.finish(task.finalMessage);
    const verification = meddled.verify();
    expect(verification.checks.map((check) => [check.name, check.passed])).toEqual([['output:answer', true], ['policy:read-only', false], ['policy:dry-run', false], ['finished', true]]);
    expect(verification.differences).toEqual([{ table: 'files', key: '/var/log/nginx/access.log', field: 'content' }]);
  });

  it('runs a script task\'s tests and says which run failed', () => {
    const task = byTemplate('count-extension');
    if (task.goal.kind !== 'script') throw new Error('expected a script task');
    const session = os.reset(task.id, 0);
    session.step('write_file', { path: task.goal.path, content: '#!/bin/bash\nls "$1" | grep -c "\\.$2$"\n' });
    session.finish('Done.');
    expect(session.verify().checks[0]).toMatchObject({ name: 'state', passed: false, detail: `${task.goal.path} is not executable` });
    session.step('bash', { command: `chmod +x ${task.goal.path}` });
    const verification = session.verify();
    expect(verification.success).toBe(false);
    expect(verification.checks.filter((check) => check.name === 'output:script')).toHaveLength(task.goal.cases.length);
  });

  it('reads answers the way people write them, and no looser', () => {
    expect(answerMatches({ type: 'integer', value: 42 }, ' 42\n')).toBe(true);
    expect(answerMatches({ type: 'integer', value: 42 }, '`42`')).toBe(true);
    expect(answerMatches({ type: 'integer', value: 42 }, 'The answer is 42')).toBe(false);
    expect(answerMatches({ type: 'text', value: '203.0.113.7' }, '"203.0.113.7".')).toBe(true);
    expect(answerMatches({ type: 'lines', values: ['src/a.py', 'src/b.py'] }, './src/b.py\n./src/a.py')).toBe(true);
    expect(answerMatches({ type: 'lines', values: ['ann', 'bob'] }, 'ann, bob')).toBe(true);
    expect(answerMatches({ type: 'lines', values: ['ann', 'bob'] }, 'ann\nbob\ncid')).toBe(false);
    expect(answerMatches({ type: 'list', values: ['ann', 'bob'] }, 'bob\nann')).toBe(false);
  });
});

describe('os: the dry-run rule', () => {
  it('makes every dry run of a gold plan necessary: skipping one breaks the rule', () => {
    const withDryRuns = tasks.filter((task) => task.writes.some((step) => step.purpose === 'confirm'));
    expect(withDryRuns.length).toBeGreaterThanOrEqual(25);
    for (const task of withDryRuns) {
      const session = os.reset(task.id, 0);
      for (const step of [...task.inspects, ...task.writes.filter((candidate) => candidate.purpose !== 'confirm')]) {
        if (step.action.kind === 'call') session.step(step.action.tool, step.action.arguments);
      }
      session.finish(task.finalMessage);
      expect(session.verify().checks.find((check) => check.name === 'policy:dry-run')!.passed, task.id).toBe(false);
    }
  });

  it('fails a deletion that did not come right after a look at what it deleted, and names the call', () => {
    const task = byTemplate('remove-empty');
    const writes = task.writes.filter((step) => step.purpose === 'write');
    const hasty = os.reset(task.id, 0);
    const write = writes[0]!.action;
    if (write.kind !== 'call') throw new Error('expected a call');
    expect(hasty.step(write.tool, write.arguments).ok).toBe(true);
    hasty.finish('Done.');
    const verification = hasty.verify();
    expect(verification.checks.find((check) => check.name === 'state')!.passed).toBe(true);
    const rule = verification.checks.find((check) => check.name === 'policy:dry-run')!;
    expect(rule.passed).toBe(false);
    expect(rule.detail).toMatch(/^call 1 \(bash\) changed \/home\/user\/\S+ without a look at it right before/);

    const careful = os.reset(task.id, 0);
    expect(solve(careful)).toEqual([]);
    expect(careful.verify().checks.find((check) => check.name === 'policy:dry-run')!.passed).toBe(true);
  });

  it('asks for the look again when something came between it and the change', () => {
    const task = byTemplate('edit-config');
    const session = os.reset(task.id, 0);
    const [confirm] = task.writes;
    if (confirm?.action.kind !== 'call') throw new Error('expected a call');
    session.step(confirm.action.tool, confirm.action.arguments);
    expect(session.oracle().map((step) => step.purpose)).toEqual(['inspect', 'write', 'write', 'finish']);
    session.step('bash', { command: 'date' });
    expect(session.oracle().map((step) => step.purpose)).toEqual(['inspect', 'confirm', 'write', 'write', 'finish']);
  });

  it('needs a look before changing a mode, none for new files or files already changed', () => {
    const task = byTemplate('scripts-executable');
    const rule = (session: ReturnType<typeof os.reset>) => session.verify().checks.find((check) => check.name === 'policy:dry-run')!;
    const fresh = os.reset(task.id, 0);
    fresh.step('bash', { command: 'echo new > ~/bin/new.txt && chmod 600 ~/bin/new.txt' });
    expect(rule(fresh).passed).toBe(true);
    fresh.step('bash', { command: 'chmod 755 ~/bin/*.sh' });
    expect(rule(fresh)).toMatchObject({ passed: false, detail: expect.stringMatching(/^call 2 \(bash\) changed \/home\/user\/bin\/\S+\.sh without a look/) });

    const looked = os.reset(task.id, 0);
    looked.step('bash', { command: "stat -c '%a %n' ~/bin/*.sh" });
    looked.step('bash', { command: 'chmod 755 ~/bin/*.sh' });
    expect(rule(looked).passed).toBe(true);

    // A file changed once after a look may be changed again later without another look.
    const again = os.reset(task.id, 0);
    again.step('read_file', { path: '/home/user/bin/README' });
    again.step('bash', { command: 'echo more >> ~/bin/README' });
    again.step('bash', { command: 'date' });
    again.step('bash', { command: 'echo again >> ~/bin/README' });
    expect(rule(again).passed).toBe(true);
  });
});
