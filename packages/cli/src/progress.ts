import type { OutputStream } from './cli-context.ts';

export interface ProgressReporter {
  update(bytes: number, totalBytes: number): void;
  /** Ends the bar's line on a terminal; prints nothing more otherwise. */
  finish(): void;
}

export interface ProgressOptions {
  /** Clock in milliseconds; tests pass a fake one. */
  now?: () => number;
  /** Minimum time between two redraws of the terminal bar, in milliseconds. */
  redrawIntervalMs?: number;
  /**
   * Milliseconds after the start before a rate is shown; default 1 000. A rate over a shorter
   * time is noise: the first 1 MiB chunk arrives within a millisecond and reads as 1000 MiB/s.
   */
  minRateElapsedMs?: number;
}

const BAR_WIDTH = 30;
const PLAIN_STEP_PERCENT = 10;

/**
 * Reports byte progress: a redrawn bar with percent, bytes and rate on a
 * terminal, and one plain line per 10 % step otherwise (log files, CI, pipes).
 */
export function createProgress(stream: OutputStream, label: string, options: ProgressOptions = {}): ProgressReporter {
  const now = options.now ?? Date.now;
  const redrawIntervalMs = options.redrawIntervalMs ?? 100;
  const minRateElapsedMs = options.minRateElapsedMs ?? 1000;
  const startedAt = now();
  let lastDrawAt = -Infinity;
  let nextPlainPercent = 0;
  let drewBar = false;

  const describe = (bytes: number, totalBytes: number) => {
    const elapsedMs = now() - startedAt;
    return {
      percent: totalBytes > 0 ? Math.min(100, Math.floor((bytes / totalBytes) * 100)) : 100,
      amount: `${formatBytes(bytes)} / ${formatBytes(totalBytes)}`,
      rate: elapsedMs >= minRateElapsedMs && elapsedMs > 0 ? `${formatBytes(bytes / (elapsedMs / 1000))}/s` : undefined,
    };
  };

  return {
    update(bytes, totalBytes) {
      const { percent, amount, rate } = describe(bytes, totalBytes);

      if (stream.isTTY) {
        const complete = bytes >= totalBytes;
        if (!complete && now() - lastDrawAt < redrawIntervalMs) return;
        lastDrawAt = now();
        const filled = Math.round((percent / 100) * BAR_WIDTH);
        const bar = '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
        const rateText = rate === undefined ? '' : `  ${rate}`;
        stream.write(`\r${label} [${bar}] ${String(percent).padStart(3)}%  ${amount}${rateText}\u001b[K`);
        drewBar = true;
        return;
      }

      if (percent < nextPlainPercent) return;
      stream.write(`${label}: ${percent}% (${rate === undefined ? amount : `${amount}, ${rate}`})\n`);
      nextPlainPercent = (Math.floor(percent / PLAIN_STEP_PERCENT) + 1) * PLAIN_STEP_PERCENT;
    },

    finish() {
      if (stream.isTTY && drewBar) stream.write('\n');
      drewBar = false;
    },
  };
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Formats a byte count with binary units: 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}
