// A progress bar on stderr for work that takes more than a second, drawn only when stderr is a
// terminal (never into a pipe or a log file) and not with --quiet.

const SHOW_AFTER_MS = 1000;
const WIDTH = 30;

/**
 * Returns an onProgress callback, or undefined when no bar should be drawn. Without a total (a
 * stream of unknown length) it counts images; finishProgress ends its line.
 */
export function progressBar(label: string, quiet: boolean): ((done: number, total?: number) => void) | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  const started = Date.now();
  let drawn = false;
  return (done, total) => {
    const finished = total !== undefined && done >= total;
    if (Date.now() - started < SHOW_AFTER_MS && !finished) return;
    if (!drawn && finished) return; // finished before the bar was worth showing
    if (total === undefined) {
      process.stderr.write(`\r${label} ${done} images`);
    } else {
      const filled = total ? Math.round((WIDTH * done) / total) : WIDTH;
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} images`);
    }
    drawn = true;
    if (finished) process.stderr.write('\n');
  };
}
