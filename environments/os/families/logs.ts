/**
 * Logs: a small web shop's server. nginx access and error logs (rotated once) and a worker's application
 * log with rotated copies of different ages. Questions about requests and clients; changes that extract
 * and prune.
 */
import { callStep, createRandom, seedOf, type Random } from '../../../src/toolkit/index.ts';
import type { FileTable } from '../machine.ts';
import { HOME } from '../machine.ts';
import { ipPool, pad, USER_AGENTS } from '../names.ts';
import { bashStep, type TaskDraft } from '../task.ts';
import { createTree, editTree, viewOf } from '../tree.ts';

interface Request {
  ip: string;
  day: number;
  time: string;
  method: string;
  path: string;
  status: number;
  line: string;
}

interface LogWorld {
  files: FileTable;
  /** access.log then access.log.1 requests. */
  current: Request[];
  previous: Request[];
  workerLines: string[];
  /** Rotated worker logs: name → age in days. */
  rotated: { name: string; age: number }[];
}

const ACCESS = '/var/log/nginx/access.log';
const ACCESS_OLD = '/var/log/nginx/access.log.1';
const WORKER = '/var/log/shop/worker.log';

const PAGES = ['/', '/products', '/login', '/checkout', '/static/app.js', '/static/style.css', '/favicon.ico', '/robots.txt'];
const API = ['/api/cart', '/api/orders', '/api/search', '/api/payments', '/api/stock'];

function request(random: Random, ip: string, day: number, second: number, api: boolean): Request {
  const base = api ? random.pick(API) : random.pick(PAGES);
  const path = base === '/api/orders' ? `${base}?page=${random.int(1, 9)}` : base === '/api/search' ? `${base}?q=${random.pick(['lamp', 'desk', 'mug', 'chair'])}` : base;
  const roll = random.next();
  const status = api
    ? roll < 0.62 ? 200 : roll < 0.7 ? 404 : roll < 0.8 ? 500 : roll < 0.9 ? 502 : 503
    : roll < 0.72 ? 200 : roll < 0.84 ? 304 : roll < 0.88 ? 301 : 404;
  const method = api && random.chance(0.3) ? 'POST' : 'GET';
  const time = `${pad(Math.floor(second / 3600))}:${pad(Math.floor(second / 60) % 60)}:${pad(second % 60)}`;
  const bytes = status === 304 ? 0 : random.int(120, 48_000);
  const line = `${ip} - - [${pad(day)}/Jun/2024:${time} +0000] "${method} ${path} HTTP/1.1" ${status} ${bytes} "-" "${random.pick(USER_AGENTS)}"`;
  return { ip, day, time, method, path, status, line };
}

function requests(random: Random, ips: string[], heavy: string, days: number[], count: number): Request[] {
  const seconds = Array.from({ length: count }, () => random.int(0, 86_399)).sort((a, b) => a - b);
  return seconds.map((second, index) => {
    const day = days[Math.min(days.length - 1, Math.floor((index * days.length) / count))]!;
    const ip = random.chance(0.18) ? heavy : random.pick(ips);
    // The last day of the current log ends at the machine's start time.
    const clamped = day === 14 ? Math.min(second, 9 * 3600 + 29 * 60) : second;
    return request(random, ip, day, clamped, random.chance(0.45));
  });
}

const WORKER_MESSAGES: readonly [string, string][] = [
  ['INFO', 'order.sync: synced {n} orders from the storefront'],
  ['INFO', 'mail.queue: sent {n} confirmation emails'],
  ['DEBUG', 'cache.refresh: refreshed {n} product pages'],
  ['WARN', 'stock.check: {n} products below the reorder level'],
  ['WARN', 'payments.retry: retrying capture for order #{n}'],
  ['ERROR', 'payments.capture: gateway timeout after 30s for order #{n}'],
  ['ERROR', 'db.pool: could not acquire a connection within 5000 ms'],
  ['ERROR', 'mail.queue: SMTP 451 temporary failure for message {n}'],
];

function workerLog(random: Random, day: number, count: number): string[] {
  const seconds = Array.from({ length: count }, () => random.int(0, day === 14 ? 9 * 3600 : 86_399)).sort((a, b) => a - b);
  return seconds.map((second) => {
    const [level, template] = random.pick(WORKER_MESSAGES);
    const time = `${pad(Math.floor(second / 3600))}:${pad(Math.floor(second / 60) % 60)}:${pad(second % 60)},${pad(random.int(0, 999), 3)}`;
    return `2024-06-${pad(day)} ${time} ${level.padEnd(5)} [worker-${random.int(1, 4)}] ${template.replace('{n}', String(random.int(2, 9000)))}`;
  });
}

function counts(values: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const value of values) map.set(value, (map.get(value) ?? 0) + 1);
  return map;
}

/** The single most frequent value, or null on a tie at the top. */
function uniqueTop(values: readonly string[]): string | null {
  const sorted = [...counts(values)].sort((a, b) => b[1] - a[1]);
  if (sorted.length === 0 || (sorted.length > 1 && sorted[0]![1] === sorted[1]![1])) return null;
  return sorted[0]![0];
}

function buildWorld(seed: number): LogWorld {
  const random = createRandom(seed);
  const ips = ipPool(random, 14);
  const heavy = random.pick(ips);
  const current = requests(random, ips, heavy, [13, 14], random.int(70, 95));
  const previous = requests(random, ips, heavy, [12], random.int(45, 65));
  const workerLines = workerLog(random, 14, random.int(45, 60));
  const ages = random.shuffle([1.3, 2.3, 4.3, 9.4, 12.4, 19.5, 26.5, 33.6, 47.6]).slice(0, 7).sort((a, b) => a - b);
  const rotated = ages.map((age, index) => ({ name: `worker.log.${index + 1}`, age }));
  const tree = createTree()
    .file(ACCESS, `${current.map((entry) => entry.line).join('\n')}\n`, { age: 0.01 })
    .file(ACCESS_OLD, `${previous.map((entry) => entry.line).join('\n')}\n`, { age: 1.4 })
    .file('/var/log/nginx/error.log', errorLog(random, current), { age: 0.02 })
    .file(WORKER, `${workerLines.join('\n')}\n`, { age: 0.01 })
    .file('/etc/nginx/sites-enabled/shop.conf', 'server {\n    listen 80;\n    server_name shop.example.com;\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n', { age: 90 })
    .file(`${HOME}/notes.txt`, 'on-call: check nginx 5xx after each deploy\nworker logs rotate daily\n', { age: 6 });
  for (const file of rotated) {
    const day = Math.max(1, 14 - Math.ceil(file.age));
    tree.file(`/var/log/shop/${file.name}`, `${workerLog(random, day, random.int(20, 40)).join('\n')}\n`, { age: file.age });
  }
  return { files: tree.build(), current, previous, workerLines, rotated };
}

function errorLog(random: Random, requests: readonly Request[]): string {
  const failed = requests.filter((entry) => entry.status >= 500);
  const lines = failed.map(
    (entry) =>
      `2024/06/${pad(entry.day)} ${entry.time} [error] 812#812: *${random.int(100, 9999)} upstream prematurely closed connection while reading response header from upstream, client: ${entry.ip}, server: shop.example.com, request: "${entry.method} ${entry.path} HTTP/1.1", upstream: "http://127.0.0.1:8080${entry.path}"`,
  );
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** A world whose counted facts are unambiguous (a unique top client and top failing path). */
function cleanWorld(seed: number): LogWorld {
  for (let attempt = 0; ; attempt++) {
    const world = buildWorld(seedOf(seed, attempt));
    const all = [...world.current, ...world.previous];
    const failingPaths = all.filter((entry) => entry.status >= 500).map((entry) => entry.path.split('?')[0]!);
    const notFound = world.current.filter((entry) => entry.status === 404).length;
    const unavailable = world.current.filter((entry) => entry.status === 503).length;
    const errors = world.workerLines.some((line) => line.includes(' ERROR '));
    if (uniqueTop(all.map((entry) => entry.ip)) && uniqueTop(failingPaths) && notFound > 0 && unavailable > 0 && errors) return world;
  }
}

/** The logs tasks: six templates, two variants each. */
export function logsTasks(seed: number): TaskDraft[] {
  const drafts: TaskDraft[] = [];
  for (const variant of [0, 1]) {
    const world = (template: string) => cleanWorld(seedOf(seed, 'logs', template, variant));

    {
      const w = world('status-count');
      const status = variant === 0 ? 404 : 503;
      const value = w.current.filter((entry) => entry.status === status).length;
      drafts.push({
        family: 'logs', difficulty: 'easy', template: 'status-count', world: w.files,
        instruction: `How many requests in ${ACCESS} were answered with status ${status}? Answer with the number only.`,
        inspects: [bashStep(`awk '$9 == ${status}' ${ACCESS} | wc -l`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
    {
      const base = world('block-top-client');
      const top = uniqueTop([...base.current, ...base.previous].map((entry) => entry.ip))!;
      const blocklist = '/etc/nginx/conf.d/blocklist.conf';
      const others = ipPool(createRandom(seedOf(seed, 'blocklist', variant)), 3).filter((ip) => ip !== top);
      const listed = `# Clients refused by nginx, one deny line each.\n${others.map((ip) => `deny ${ip};`).join('\n')}\n`;
      const w = { ...base, files: editTree(base.files).write(blocklist, listed).files };
      const edit = editTree(w.files).write(blocklist, `${listed}deny ${top};\n`);
      drafts.push({
        family: 'logs', difficulty: 'hard', template: 'block-top-client', world: w.files,
        instruction: `The client that sent the most requests (counting both ${ACCESS} and ${ACCESS_OLD}) is scraping the shop. Block it: add a line "deny IP;" for its address at the end of ${blocklist}, keeping the lines that are there.`,
        inspects: [bashStep("cat access.log access.log.1 | awk '{print $1}' | sort | uniq -c | sort -rn | head -3", 'inspect', '/var/log/nginx')],
        writes: [callStep('read_file', { path: blocklist }, 'confirm'), bashStep(`echo 'deny ${top};' >> blocklist.conf`, 'write', '/etc/nginx/conf.d')],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Blocked ${top} in ${blocklist}.`,
      });
    }
    {
      const w = world('failing-clients');
      const day = variant === 0 ? 13 : 14;
      const value = new Set(w.current.filter((entry) => entry.day === day && entry.status >= 500).map((entry) => entry.ip)).size;
      drafts.push({
        family: 'logs', difficulty: 'medium', template: 'failing-clients', world: w.files,
        instruction: `How many different client IPs got a server error (status 500 or above) on ${day} June 2024, according to ${ACCESS}? Answer with the number only.`,
        inspects: [bashStep(`head -n 2 ${ACCESS}`, 'inspect'), bashStep(`grep '${day}/Jun/2024' ${ACCESS} | awk '$9 >= 500 {print $1}' | sort -u | wc -l`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'integer', value } }, finalMessage: String(value),
      });
    }
    {
      const base = world('extract-errors');
      const target = variant === 0 ? `${HOME}/reports/worker-errors.txt` : `${HOME}/incident/errors-2024-06-14.log`;
      const short = target.replace(HOME, '~');
      const directory = short.slice(0, short.lastIndexOf('/'));
      // Variant 0 refreshes yesterday's report (rewriting a file that is there); variant 1 starts a new one.
      const w = variant === 0 ? { ...base, files: editTree(base.files).write(target, '2024-06-13 23:58:01,004 ERROR [worker-2] db.pool: could not acquire a connection within 5000 ms\n').files } : base;
      const errors = w.workerLines.filter((line) => line.includes(' ERROR '));
      const expected = editTree(w.files).write(target, errors.length > 0 ? `${errors.join('\n')}\n` : '').files;
      drafts.push({
        family: 'logs', difficulty: 'medium', template: 'extract-errors', world: w.files,
        instruction: variant === 0
          ? `${short} still holds yesterday's errors. Replace its content with every ERROR line of ${WORKER}, in their original order. Leave the log itself as it is.`
          : `Copy every ERROR line of ${WORKER}, in their original order, into ${short} (create the directory if needed). Leave the log itself as it is.`,
        inspects: [bashStep(`grep -c ' ERROR ' ${WORKER}`, 'inspect')],
        writes: variant === 0
          ? [callStep('read_file', { path: target }, 'confirm'), bashStep(`grep ' ERROR ' worker.log > ${short}`, 'write', '/var/log/shop')]
          : [bashStep(`mkdir -p ${directory} && grep ' ERROR ' worker.log > ${short}`, 'write', '/var/log/shop')],
        goal: { kind: 'state', expected: viewOf(expected) }, finalMessage: `The ${errors.length} ERROR lines are in ${target}.`,
      });
    }
    {
      const w = world('prune-rotated');
      const days = variant === 0 ? 14 : 7;
      const old = w.rotated.filter((file) => file.age > days + 1);
      const edit = editTree(w.files);
      for (const file of old) edit.remove(`/var/log/shop/${file.name}`);
      drafts.push({
        family: 'logs', difficulty: 'hard', template: 'prune-rotated', world: w.files,
        instruction: `/var/log/shop is filling up. Delete the rotated worker logs (worker.log.1, worker.log.2, ...) that were last modified more than ${days} days ago; keep worker.log itself and the newer rotated files.`,
        inspects: [bashStep('du -sh /var/log/shop', 'inspect')],
        writes: [bashStep(`find . -name 'worker.log.*' -mtime +${days}`, 'confirm', '/var/log/shop'), bashStep(`find . -name 'worker.log.*' -mtime +${days} -delete`, 'write', '/var/log/shop')],
        goal: { kind: 'state', expected: viewOf(edit.files) }, finalMessage: `Deleted ${old.length} rotated logs older than ${days} days.`,
      });
    }
    {
      const w = world('failing-path');
      const all = [...w.current, ...w.previous];
      const top = uniqueTop(all.filter((entry) => entry.status >= 500).map((entry) => entry.path.split('?')[0]!))!;
      drafts.push({
        family: 'logs', difficulty: 'hard', template: 'failing-path', world: w.files,
        instruction: `Which request path produced the most server errors (status 500 or above) across ${ACCESS} and ${ACCESS_OLD}? Ignore query strings (/api/orders?page=2 counts as /api/orders). Answer with the path only.`,
        inspects: [bashStep(`head -n 2 ${ACCESS}`, 'inspect'), bashStep(`cat ${ACCESS} ${ACCESS_OLD} | awk '$9 >= 500 {split($7, part, "?"); print part[1]}' | sort | uniq -c | sort -rn | head -3`, 'inspect')],
        writes: [], goal: { kind: 'answer', answer: { type: 'text', value: top } }, finalMessage: top,
      });
    }
  }
  return drafts;
}
