/**
 * One error family for the whole server. Everything thrown on purpose is an AtalayaError;
 * the problem-details middleware (server/api/problem-details.ts) maps it to HTTP in one place,
 * and anything else becomes a logged 500 that never leaks internals.
 */

/** One complaint about one field (or row/line) of the input. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `bbox`, `features.3.geometry`, or `line 12: lat`. */
  field: string;
  message: string;
  /** 1-based line of the source, when the input was a file or a body with lines. */
  line?: number;
}

export abstract class AtalayaError extends Error {
  abstract readonly status: number;
  abstract readonly type: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not satisfy its schema: 400 (or 422 for semantically wrong content). */
export class ValidationError extends AtalayaError {
  readonly status: number;
  readonly type = 'validation';
  constructor(
    message: string,
    readonly issues: FieldIssue[],
    options?: { status?: 400 | 413 | 415 | 422; cause?: unknown },
  ) {
    super(message, options);
    this.status = options?.status ?? 400;
  }
}

export class NotFoundError extends AtalayaError {
  readonly status = 404;
  readonly type = 'not-found';
}

export class ConflictError extends AtalayaError {
  readonly status = 409;
  readonly type = 'conflict';
}

export class UnauthorizedError extends AtalayaError {
  readonly status = 401;
  readonly type = 'unauthorized';
}

export class ForbiddenError extends AtalayaError {
  readonly status = 403;
  readonly type = 'forbidden';
}

/** The database is unreachable or refused a connection: 503, so clients retry. */
export class DatabaseUnavailableError extends AtalayaError {
  readonly status = 503;
  readonly type = 'database-unavailable';
}

/** A constraint the database enforces (unique, foreign key, check) rejected the write. */
export class IntegrityConstraintError extends AtalayaError {
  readonly status = 409;
  readonly type = 'integrity-constraint';
  constructor(
    message: string,
    readonly constraint: string | undefined,
    readonly table: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The data left the database in a shape the code did not expect (a bug, not bad input). */
export class DataIntegrityError extends AtalayaError {
  readonly status = 500;
  readonly type = 'data-integrity';
}

/** Migrations on disk disagree with those recorded in the database. */
export class MigrationError extends AtalayaError {
  readonly status = 500;
  readonly type = 'migration';
}
