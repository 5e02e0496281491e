/**
 * Errors a user can act on. The CLI prints `message` (and `hint`) without a stack trace and exits
 * with `exitCode`: 2 for bad usage or bad input, 1 for a failure while doing valid work.
 */
export class FoxmlError extends Error {
  readonly exitCode: 1 | 2;
  readonly hint?: string;
  constructor(message: string, opts: { exitCode?: 1 | 2; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "FoxmlError";
    this.exitCode = opts.exitCode ?? 2;
    this.hint = opts.hint;
  }
}

/** Bad input: a file, row, column or key the user must fix. Exit code 2. */
export class InputError extends FoxmlError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: 2, hint });
    this.name = "InputError";
  }
}

export function isFoxmlError(e: unknown): e is FoxmlError {
  return e instanceof FoxmlError;
}

/**
 * A run that did everything it was asked without an error yet produced nothing to use: every
 * ranking or training job failed, or no target survived. The run ends with status `no_result`
 * and exit code 1; the message says what happened, the hint what to change.
 */
export class NoResultError extends FoxmlError {
  constructor(message: string, hint: string) {
    super(message, { exitCode: 1, hint });
    this.name = "NoResultError";
  }
}
