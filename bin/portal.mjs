#!/usr/bin/env node
// Launcher for the operator command line: runs src/cli/index.ts through tsx. tsx is a
// devDependency, so this works from a checkout installed with `npm ci` (dev dependencies included).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Resolved from this file, not the caller's working directory, so `portal` runs from anywhere.
const tsx = import.meta.resolve('tsx');
const child = spawn(
  process.execPath,
  ['--import', tsx, join(root, 'src', 'cli', 'index.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
child.on('error', (err) => {
  process.stderr.write(`error: cannot start the portal command line: ${err.message}\n`);
  process.exitCode = 1;
});
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exitCode = code ?? 1;
});
