// Starting a bench server as a child process on a free loopback port, and watching its memory
// through /proc (VmRSS sampled, VmHWM for the peak over its whole life).
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface RunningServer {
  url: string;
  pid: number;
  /** Highest VmRSS seen since the last `resetPeak`, in MB. */
  peakRssMb: () => number;
  resetPeak: () => void;
  /** VmHWM: the process's peak resident set over its whole life, in MB. */
  lifetimePeakMb: () => number;
  /** CPU time the server has used so far, all its threads, user and system, in ms. */
  cpuMs: () => number;
  stop: () => Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Clock ticks a second, the unit of /proc/<pid>/stat's CPU times (100 on nearly every Linux). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all threads), in ms; 0 once it is gone. */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is the
    // first, utime and stime the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('bench server did not start in time')),
      timeoutMs,
    );
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited early (code ${code})`));
    });
  });
}

/**
 * Node flags the portal runs with under `npm start` (see package.json), so the bench measures the
 * server as deployed:
 * - a young generation capped at 8 MiB a semi-space, which keeps a busy server's memory well
 *   under its budget for about a tenth of ingest throughput;
 * - two V8 worker threads (for concurrent garbage collection and compilation) instead of four.
 *   Each thread that allocates gets its own malloc arena, and under ingest the arenas held about
 *   60 MB that the heap no longer used: peak RSS 237 MB with four, 178 with two, for the same
 *   throughput. One thread let the heap itself grow instead (242 MB).
 */
export const PORTAL_NODE_FLAGS = ['--max-semi-space-size=8', '--v8-pool-size=2'];

export async function startServer(
  mode: 'portal' | 'baseline',
  env: Record<string, string>,
  maxSeconds: number,
): Promise<RunningServer> {
  const port = await freePort();
  const child = fork(new URL('./server.ts', import.meta.url).pathname, [mode], {
    // BENCH_CPU_PROF=dir writes a V8 CPU profile of each server to dir, for finding hot spots.
    execArgv: [
      ...(mode === 'portal' ? PORTAL_NODE_FLAGS : []),
      '--import',
      'tsx',
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
    ],
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      BENCH_MAX_SECONDS: String(maxSeconds),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid ?? 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitReady(child, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  let peakKb = 0;
  const sample = () => {
    peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'));
  };
  const sampler = setInterval(sample, 50);
  sample();
  let lastHwm = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    peakRssMb: () => {
      sample();
      return Math.round(peakKb / 102.4) / 10;
    },
    resetPeak: () => {
      peakKb = statusKb(pid, 'VmRSS');
    },
    cpuMs: () => cpuMsOf(pid),
    lifetimePeakMb: () => {
      lastHwm = Math.max(lastHwm, statusKb(pid, 'VmHWM'));
      return Math.round(lastHwm / 102.4) / 10;
    },
    stop: async () => {
      lastHwm = Math.max(lastHwm, statusKb(pid, 'VmHWM'));
      clearInterval(sampler);
      if (child.connected) child.disconnect();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}
