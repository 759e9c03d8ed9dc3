import { spawn } from 'node:child_process';
import os from 'node:os';

// A relay that may run on one core only collects garbage on its main thread. V8's concurrent marking
// and sweeping threads then have no core of their own: they take the event loop's, at the moments it
// is busiest, and a viewer's p99 pays for it (one core, 100 rooms × 10 viewers, 3 runs each: p99 at
// 60 lines/s/room 54–73 ms with V8's default, 44–57 ms with `--single-threaded-gc`; at 70, 58–70 against
// 50–55 ms). The flag must be given when the process
// starts (V8 aborts if it is set at run time), so the relay runs itself again with it, as a child that
// keeps the parent's stdio, signals and exit code. TANDEM_RELAY_GC=default keeps V8's default.

const CHILD_MARK = 'TANDEM_RELAY_ONE_CORE_CHILD';
const FLAG = '--single-threaded-gc';

/** Whether the relay should relaunch itself with the flag. */
export function wantsSingleThreadedGc(env: NodeJS.ProcessEnv = process.env, cores = os.availableParallelism(), execArgv = process.execArgv): boolean {
  if (env[CHILD_MARK] || execArgv.includes(FLAG)) return false;
  if (env.TANDEM_RELAY_GC === 'single-threaded') return true;
  if (env.TANDEM_RELAY_GC === 'default') return false;
  return cores === 1;
}

/**
 * Runs this very command again with `--single-threaded-gc` when the relay has one core, and resolves
 * to its exit code; resolves to null when the relay should go on in this process. The child shuts down
 * by itself if this process dies (its IPC channel closes), so a `kill -9` of the parent leaves no relay behind.
 */
export function relaunchWithSingleThreadedGcOnOneCore(): Promise<number> | null {
  if (!wantsSingleThreadedGc()) return null;
  const child = spawn(process.execPath, [FLAG, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [CHILD_MARK]: '1' },
    // its own process group: a terminal's Ctrl+C reaches the parent only, which passes it on once
    detached: true,
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  const handlers = signals.map((signal) => [signal, forward(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return new Promise((resolve) => {
    child.once('error', (e) => {
      process.stderr.write(`tandem relay: could not relaunch with ${FLAG} (${e.message}); set TANDEM_RELAY_GC=default to run without it\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      for (const [s, handler] of handlers) process.off(s, handler);
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
    });
  });
}

/** In the relaunched child: shut down (as on SIGTERM) when the parent that started it is gone. */
export function followParentIfRelaunched(): void {
  if (!process.env[CHILD_MARK] || !process.send) return;
  process.channel?.unref(); // the channel alone must not keep the relay running
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
