#!/usr/bin/env node
// The bridle command. It runs the TypeScript sources through tsx, on Node >= 24 with the startup snapshot
// off (isolated-vm requires --no-node-snapshot on Node >= 20).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `bridle: needs Node.js >= 24, this is ${process.version}. In a bridle checkout run ". scripts/use-node24.sh" first, or install Node 24.`,
  );
  process.exit(1);
}

if (!process.execArgv.includes('--no-node-snapshot')) {
  const child = spawn(process.execPath, ['--no-node-snapshot', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
