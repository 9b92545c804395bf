/** The one database interface the domains use: the same SQL runs on PGlite and PostgreSQL. */
export type Row = Record<string, unknown>;

export type QueryResult<T> = { rows: T[]; rowCount: number };

/** Per-database values that code inside a transaction needs but cannot fetch there. */
export type DbContext = {
  /** Set at start from the key ring; the audit log's chain is keyed with it. */
  auditKey: Buffer | null;
};

export interface Queryable {
  /** Shared by the database and every transaction opened on it. */
  readonly context: DbContext;
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Parameterless, possibly multi-statement SQL (migrations, test set-up). */
  exec(sql: string): Promise<void>;
}

export type WriteOptions = {
  /**
   * Plan the statement once and reuse that plan whatever its parameters (PostgreSQL's generic
   * plan). For a statement whose plan cannot depend on them, run thousands of times a minute,
   * whose planning costs more than its rows: left to itself, PostgreSQL plans it afresh each time
   * when the sizes of its array parameters make each fresh plan look cheaper.
   */
  genericPlan?: boolean;
};

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction; any throw rolls back, so nothing is half-written. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * One self-contained write statement (its CTEs make it atomic on its own): a hot path's whole
   * change in one round trip, with no BEGIN or COMMIT. Refused under overload as tx is.
   */
  write<T = Row>(sql: string, params: readonly unknown[], opts?: WriteOptions): Promise<QueryResult<T>>;
  close(): Promise<void>;
}

/** bytea comes back as Buffer from pg and Uint8Array from PGlite; callers want Buffer. */
export function asBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError('expected a bytea value');
}
