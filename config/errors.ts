/**
 * Tollgate's error hierarchy. The CLI maps each class to an exit code with `instanceof`,
 * prints `message` and `hint` and never a stack trace: these errors are the user's to fix,
 * not bugs. Anything else that escapes is a bug and is reported as one.
 */
export class TollgateError extends Error {
  /** Process exit code the CLI uses for this kind of failure. */
  readonly exitCode: number = 1;
  /** What to do next, shown on its own line under the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad flags or arguments (sysexits EX_USAGE). */
export class UsageError extends TollgateError {
  override readonly exitCode: number = 64;
}

/** A program or file Tollgate needs is not on this machine (EX_UNAVAILABLE). */
export class DependencyError extends TollgateError {
  override readonly exitCode: number = 69;
}

/** A step of the local stack failed: migration, start-up, health (EX_SOFTWARE). */
export class StackError extends TollgateError {
  override readonly exitCode: number = 70;
  readonly step: string;

  constructor(step: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(`${step}: ${message}`, options);
    this.step = step;
  }
}

/** A port the stack needs is taken by another process (EX_CANTCREAT). */
export class PortInUseError extends StackError {
  override readonly exitCode: number = 73;
}

/** The target's host cannot be resolved or reached (EX_NOHOST). */
export class UnreachableError extends TollgateError {
  override readonly exitCode: number = 68;
}

/** The target refused our credentials (EX_NOPERM). */
export class AuthError extends TollgateError {
  override readonly exitCode: number = 77;
}

/** The target's data or schema is not what Tollgate needs, e.g. migrations not run (EX_DATAERR). */
export class SchemaError extends TollgateError {
  override readonly exitCode: number = 65;
}

/** The work was cut off (signal, terminated connection) and rolled back (EX_TEMPFAIL). */
export class InterruptedError extends TollgateError {
  override readonly exitCode: number = 75;
}

/** The environment did not become ready before the deadline (EX_TEMPFAIL: try again later). */
export class NotReadyError extends TollgateError {
  override readonly exitCode: number = 75;
  readonly results: unknown;

  constructor(message: string, options: { hint?: string; results?: unknown } = {}) {
    super(message, options);
    this.results = options.results;
  }
}

/** Configuration is invalid (EX_CONFIG). */
export class ConfigError extends TollgateError {
  override readonly exitCode: number = 78;
}

/** The environment is READ_ONLY and the command would write (EX_CONFIG: the environment forbids it). */
export class ReadOnlyError extends ConfigError {}
