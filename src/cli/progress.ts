/**
 * A one-line progress bar on stderr. On a terminal it redraws in place; elsewhere (CI logs, pipes) it
 * prints a line at each quarter so logs stay short.
 */
export interface Progress {
  update(done: number, detail?: string): void;
  finish(): void;
}

const WIDTH = 24;

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const interactive = stream.isTTY === true;
  let lastQuarter = -1;
  let drawn = false;
  return {
    update(done, detail = '') {
      const ratio = total === 0 ? 1 : done / total;
      const filled = Math.round(ratio * WIDTH);
      const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total}${detail ? ` ${detail}` : ''}`;
      if (interactive) {
        stream.write(`\r\x1b[2K${line}`);
        drawn = true;
        return;
      }
      const quarter = Math.floor(ratio * 4);
      if (quarter !== lastQuarter) {
        lastQuarter = quarter;
        stream.write(`${line}\n`);
      }
    },
    finish() {
      if (interactive && drawn) stream.write('\n');
    },
  };
}
