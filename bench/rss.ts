/**
 * Preloaded (`node -r`) into the CLI processes the benchmark starts: at exit,
 * writes the process's peak resident set size (KiB) to fd 3, where the
 * benchmark reads it. Without fd 3 it does nothing.
 *
 * The peak is VmHWM of /proc/self/status: `process.resourceUsage().maxRSS`
 * also counts the parent's memory the child had between fork and exec.
 */
import * as fs from 'fs';

function peakKiB(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS;
}

process.on('exit', () => {
  try {
    fs.writeSync(3, `${peakKiB()}\n`);
  } catch {
    /* not run by the benchmark */
  }
});
