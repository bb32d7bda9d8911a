#!/usr/bin/env node
// The bridle command, on Node >= 24 with the startup snapshot off (isolated-vm requires
// --no-node-snapshot on Node >= 20; without it in the options, the command starts itself again with it,
// except to print its help or version, which start no isolate and should be quick).
//
// Installed as a package it runs the compiled JavaScript in dist/. In a checkout of the repository
// (src/ beside bin/, which the package does not ship) it runs the TypeScript sources through tsx, a
// devDependency, so that what runs is what is in the tree, built or not; there it also turns on the
// "bridle-source" export condition, so that a user module's import of 'bridle/toolkit' reaches the same
// sources. BRIDLE_CLI=dist runs a checkout's dist/ instead (npm run bench and the package test measure
// the shipped command that way).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SNAPSHOT_OFF = '--no-node-snapshot';
const SOURCE_CONDITION = '--conditions=bridle-source';
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `bridle: needs Node.js >= 24, this is ${process.version}. In a bridle checkout run ". scripts/use-node24.sh" first, or install Node 24.`,
  );
  process.exit(1);
}

const args = process.argv.slice(2);
const source = new URL('../src/cli/main.ts', import.meta.url);
const fromSource = process.env.BRIDLE_CLI !== 'dist' && existsSync(source);
const nodeOptions = (process.env.NODE_OPTIONS ?? '').split(/\s+/);
const active = (flag) => process.execArgv.includes(flag) || nodeOptions.includes(flag);
const onlyHelp = args.length === 0 || (args.length === 1 && ['--help', '-h', 'help', '--version', '-v'].includes(args[0]));
const missing = [SNAPSHOT_OFF, ...(fromSource ? [SOURCE_CONDITION] : [])].filter((flag) => !active(flag));

if (missing.length > 0 && !(onlyHelp && !fromSource)) {
  const child = spawn(process.execPath, [...missing, ...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  let main;
  if (fromSource) {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import(source.href));
  } else {
    const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
    if (!existsSync(compiled)) {
      console.error(`bridle: ${fileURLToPath(compiled)} is missing: this copy of bridle was not built (run "npm run build" in it).`);
      process.exit(1);
    }
    ({ main } = await import(compiled.href));
  }
  process.exitCode = await main(args);
}
