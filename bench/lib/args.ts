/** Command-line flags for the benchmarks: `--name value` or `--name=value`; unknown flags are refused. */

export type FlagSpec = Record<
  string,
  { kind: 'int' | 'number' | 'string' | 'bool'; default?: string | number | boolean; help: string }
>;

export class UsageError extends Error {}

export function parseFlags<S extends FlagSpec>(argv: string[], spec: S): Record<keyof S, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec)) out[name] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new UsageError(usage(spec));
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"\n${usage(spec)}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    let value = inline;
    const s = spec[name];
    if (!s) throw new UsageError(`unknown flag --${name}\n${usage(spec)}`);
    if (s.kind === 'bool') {
      out[name] = value === undefined ? true : ['1', 'true', 'yes'].includes(value);
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    }
    if (s.kind === 'int' || s.kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0 || (s.kind === 'int' && !Number.isInteger(n))) {
        throw new UsageError(`--${name} must be a ${s.kind === 'int' ? 'whole ' : ''}number ≥ 0 (got "${value}")`);
      }
      out[name] = n;
    } else {
      out[name] = value;
    }
  }
  return out as Record<keyof S, unknown>;
}

export function usage(spec: FlagSpec): string {
  const lines = Object.entries(spec).map(([name, s]) => {
    const def = s.default === undefined ? '' : ` (default ${String(s.default)})`;
    return `  --${name}${s.kind === 'bool' ? '' : ' <' + s.kind + '>'}  ${s.help}${def}`;
  });
  return `usage: npm run bench:chat -- [flags]\n${lines.join('\n')}`;
}
