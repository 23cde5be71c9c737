import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's start times; 100 on every mainstream Linux build. */
const LINUX_CLOCK_TICKS = 100;
/** Clock drift and rounding allowed before a process is judged younger than a lock it would hold. */
const MARGIN_MS = 5_000;

/**
 * Whether the process now running as `pid` started after `time` (ms since the epoch), so it cannot
 * be the process that wrote a lock at `time`: its pid was reused (common in containers, where every
 * start gets the same low pid). Known for this process everywhere and for others on Linux (/proc);
 * false when it cannot be told, so an unknown case keeps the lock held.
 */
export async function startedAfter(pid: number, time: number): Promise<boolean> {
  const started = pid === process.pid ? Date.now() - process.uptime() * 1000 : await linuxStartMs(pid);
  return started !== undefined && started > time + MARGIN_MS;
}

async function linuxStartMs(pid: number): Promise<number | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const [stat, system] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile('/proc/stat', 'utf8')]);
    // The command name in parentheses may hold spaces; fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(system)?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(bootSeconds)) return undefined;
    return (bootSeconds + ticks / LINUX_CLOCK_TICKS) * 1000;
  } catch {
    return undefined;
  }
}
