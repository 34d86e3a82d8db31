/** Progress on a terminal for long work (imports, migrations, training); plain lines when not a TTY. */
export function progress(label: string): { update(done: number, total: number): void; done(message?: string): void } {
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  return {
    update(done, total) {
      const pct = total ? Math.floor((done / total) * 100) : 100;
      if (tty) {
        const width = 24;
        const filled = Math.round((pct / 100) * width);
        process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${pct}%)`);
      } else if (Date.now() - lastLine > 2000 || done === total) {
        lastLine = Date.now();
        process.stderr.write(`${label}: ${done}/${total} (${pct}%)\n`);
      }
    },
    done(message) {
      if (tty) process.stderr.write('\n');
      if (message) process.stderr.write(`${message}\n`);
    },
  };
}
