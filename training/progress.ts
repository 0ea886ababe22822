/** A one-line progress bar on stderr (redrawn in a terminal, a line per tenth elsewhere). */
export function progressBar(label: string): (done: number, total: number, extra?: string) => void {
  const started = performance.now();
  let lastTenth = -1;
  return (done, total, extra = '') => {
    const fraction = total ? done / total : 1;
    const elapsed = (performance.now() - started) / 1000;
    const eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${extra} ETA ${formatSeconds(eta)}`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}\x1b[K${done === total ? '\n' : ''}`);
    } else {
      const tenth = Math.floor(fraction * 10);
      if (tenth !== lastTenth || done === total) {
        lastTenth = tenth;
        process.stderr.write(`${line}\n`);
      }
    }
  };
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
