/** Where a command writes. The real CLI uses the process streams; tests capture into strings. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: progress bars redraw in place instead of printing lines. */
  isTTY: boolean;
}

export const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
};

export function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    isTTY: false,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}

/**
 * A message for stderr as one complete line (or lines): trailing whitespace dropped, exactly one
 * newline after it, so the shell prompt never lands on the message and no blank line follows.
 */
export function messageLine(text: string): string {
  return `${text.replace(/\s+$/, "")}\n`;
}
