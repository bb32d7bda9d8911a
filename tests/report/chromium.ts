/**
 * Headless Chromium driven over the DevTools protocol with Node's built-in WebSocket: no npm dependency.
 * A page records every console message, uncaught exception, browser log error (CSP violations, failed
 * loads) and network request, so a test can assert that a page loads cleanly and offline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's `chromium` package; BRIDLE_CHROMIUM overrides. */
export function findChromium(): string | undefined {
  const candidates = [process.env.BRIDLE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((path): path is string => Boolean(path));
  return candidates.find((path) => existsSync(path));
}

/** Flags for a quiet, isolated, offline-friendly headless browser. */
export function chromiumFlags(userDataDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${userDataDir}`,
  ];
}

/** Something the page said or suffered. */
export interface ConsoleEntry {
  /** `console.<type>`, `exception`, or `log.<source>` for browser log entries. */
  kind: string;
  level: 'error' | 'warning' | 'info';
  text: string;
}

export interface Page {
  /** Console messages, exceptions and browser log entries, in arrival order. */
  readonly entries: ConsoleEntry[];
  /** URLs of every request the page made (the document itself included). */
  readonly requests: string[];
  /** Navigate and wait for the load event. */
  navigate(url: string): Promise<void>;
  /** Evaluate an expression in the page and return its value (JSON-serialisable results only). */
  evaluate<T>(expression: string): Promise<T>;
  /** Capture the viewport at the given size as PNG into `path`; returns the byte count. */
  screenshot(path: string, size: { width: number; height: number }): Promise<number>;
}

export interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

interface Pending {
  resolve(value: Record<string, unknown>): void;
  reject(error: Error): void;
}

/** Wait for the line where Chromium prints its DevTools WebSocket address. */
function devtoolsAddress(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not print its DevTools address within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chromium exited (${code}) before listening:\n${output}`));
    });
  });
}

/** Start a headless Chromium with a fresh profile; close() ends it and removes the profile. */
export async function launchChromium(executable: string, timeoutMs = 30_000): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'bridle-chromium-'));
  const child = spawn(executable, [...chromiumFlags(userDataDir), '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = await devtoolsAddress(child, timeoutMs);
  const socket = new WebSocket(address);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to ${address}`)), { once: true });
  });

  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, (method: string, params: Record<string, unknown>) => void>();
  socket.addEventListener('message', (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string }; sessionId?: string };
    if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result ?? {});
    } else if (message.method && message.sessionId) {
      listeners.get(message.sessionId)?.(message.method, message.params ?? {});
    }
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });

  return {
    async newPage() {
      const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
      const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
      const entries: ConsoleEntry[] = [];
      const requests: string[] = [];
      let loaded: (() => void) | undefined;
      listeners.set(sessionId, (method, params) => {
        if (method === 'Runtime.consoleAPICalled') {
          const type = String(params.type);
          const text = ((params.args as { value?: unknown; description?: string }[]) ?? []).map((arg) => (arg.value !== undefined ? String(arg.value) : (arg.description ?? ''))).join(' ');
          entries.push({ kind: `console.${type}`, level: type === 'error' || type === 'assert' ? 'error' : type === 'warning' ? 'warning' : 'info', text });
        } else if (method === 'Runtime.exceptionThrown') {
          const details = params.exceptionDetails as { text: string; exception?: { description?: string } };
          entries.push({ kind: 'exception', level: 'error', text: details.exception?.description ?? details.text });
        } else if (method === 'Log.entryAdded') {
          const entry = params.entry as { source: string; level: string; text: string; url?: string };
          entries.push({ kind: `log.${entry.source}`, level: entry.level === 'error' ? 'error' : entry.level === 'warning' ? 'warning' : 'info', text: `${entry.text}${entry.url ? ` (${entry.url})` : ''}` });
        } else if (method === 'Network.requestWillBeSent') {
          requests.push(String((params.request as { url: string }).url));
        } else if (method === 'Page.loadEventFired') {
          loaded?.();
        }
      });
      for (const domain of ['Runtime', 'Log', 'Page', 'Network']) await send(`${domain}.enable`, {}, sessionId);
      return {
        entries,
        requests,
        async navigate(url) {
          const load = new Promise<void>((resolve) => (loaded = resolve));
          const result = (await send('Page.navigate', { url }, sessionId)) as { errorText?: string };
          if (result.errorText) throw new Error(`navigation to ${url} failed: ${result.errorText}`);
          await load;
        },
        async evaluate<T>(expression: string) {
          const result = (await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId)) as { result: { value?: T }; exceptionDetails?: { text: string } };
          if (result.exceptionDetails) throw new Error(`evaluate failed: ${result.exceptionDetails.text}`);
          return result.result.value as T;
        },
        async screenshot(path, size) {
          await send('Emulation.setDeviceMetricsOverride', { width: size.width, height: size.height, deviceScaleFactor: 1, mobile: false }, sessionId);
          const { data } = (await send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
          const bytes = Buffer.from(data, 'base64');
          writeFileSync(path, bytes);
          return bytes.length;
        },
      };
    },
    async close() {
      await send('Browser.close').catch(() => undefined);
      socket.close();
      // Browser.close normally ends the process; a browser that hangs is killed (it is ours: we spawned it).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
