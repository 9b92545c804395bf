/**
 * Collects the values of a statement assembled from parts (for example a write with its audit
 * record as CTEs), so each part names its own placeholders without counting the others'.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder, e.g. `$3`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
