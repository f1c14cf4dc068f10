// `npm run dev:edge [-- --port N] [--ip ADDRESS]`: the portal in workerd on this machine. Builds the pages,
// applies the D1 migrations locally, creates the DEMO units on an empty local database (private
// keys to ./data/demo-edge), then runs `wrangler dev` on 127.0.0.1 with no login and no telemetry.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const bin = (name) => join(root, 'node_modules', '.bin', name);

// Wrangler must not phone home or look for a login: no metrics, no cf lookup, a throwaway config.
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'portal-wrangler-')),
};

function run(command, args, extraEnv = {}) {
  const done = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, ...extraEnv },
  });
  if (done.status !== 0) process.exit(done.status ?? 1);
}

// Takes `--NAME VALUE` or `--NAME=VALUE` out of the arguments, so that the value this script
// passes to wrangler can be overridden without wrangler seeing the flag twice.
function takeFlag(args, name, fallback, valid, hint) {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const [flag] = args.splice(i, 1);
  const value = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : args.splice(i, 1)[0];
  if (!value || !valid.test(value)) {
    console.error(`--${name} needs ${hint}`);
    process.exit(2);
  }
  return value;
}

const rest = process.argv.slice(2);
const port = takeFlag(rest, 'port', '8787', /^\d+$/, 'a number');
// Loopback by default; `--ip 0.0.0.0` (or another address) exposes the dev portal on purpose.
const ip = takeFlag(rest, 'ip', '127.0.0.1', /^[0-9A-Za-z.:[\]-]+$/, 'an address');
run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
// CI=1: apply without the interactive "continue?" prompt; a local database has no other users.
run(bin('wrangler'), ['d1', 'migrations', 'apply', 'DB', '--local'], { CI: '1' });
run(bin('tsx'), [join(root, 'scripts', 'dev-edge-seed.ts')]);

const dev = spawn(
  bin('wrangler'),
  [
    'dev',
    '--local',
    '--ip',
    ip,
    '--port',
    port,
    '--var',
    'PORTAL_ENV:development',
    '--show-interactive-dev-session=false',
    ...rest,
  ],
  // Its own process group, so stopping reaches wrangler and every workerd process it started.
  { cwd: root, stdio: 'inherit', env, detached: true },
);
const stopGroup = (signal) => {
  try {
    process.kill(-dev.pid, signal);
  } catch {
    // Already gone.
  }
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // wrangler ignores a SIGINT that does not come from its terminal; SIGTERM stops it cleanly.
    stopGroup('SIGTERM');
    setTimeout(() => stopGroup('SIGKILL'), 5000).unref();
  });
}
dev.on('exit', (code) => process.exit(code ?? 0));
