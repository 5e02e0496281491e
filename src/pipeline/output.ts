/**
 * Where a run writes for the person watching it: its stage-timing table, warnings and progress.
 * The pipeline's own interface, so it does not know who calls it: the CLI's `CliIo` has this
 * shape, and a library caller or a test passes any object that does.
 */
export interface PipelineOutput {
  out(text: string): void;
  err(text: string): void;
  /** True when the stream behind `err` is a terminal: progress redraws in place instead of printing lines. */
  isTTY: boolean;
}
