/**
 * Summarises a V8 .cpuprofile (from `--server-node-options "--cpu-prof --cpu-prof-dir=DIR"`):
 * self time by function, by package/file, and inclusive time for the project's own functions.
 *
 *   npx tsx bench/profileSummary.ts DIR/CPU.*.cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs';

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 30;
if (!file) {
  process.stderr.write('usage: npx tsx bench/profileSummary.ts <file.cpuprofile> [--top N]\n');
  process.exit(2);
}
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node from the sample stream.
const self = new Map<number, number>();
for (let i = 0; i < p.samples.length; i++) {
  const dt = p.timeDeltas[i + 1] ?? 0;
  self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
}
const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
const idleUs = [...self.entries()]
  .filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName))
  .reduce((a, [, v]) => a + v, 0);

const where = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.includes('/src/')) return url.slice(url.indexOf('/src/') + 1);
  if (url.startsWith('node:')) return url;
  return url || '(native)';
};
const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${n.callFrame.lineNumber + 1}`;

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const fnSelf = new Map<string, number>();
const pkgSelf = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  add(fnSelf, label(n), us);
  add(pkgSelf, where(n).startsWith('src/') ? 'src (project)' : where(n), us);
}

// Inclusive time for project functions: each sample counts once for every distinct project frame on its stack.
const projInclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!;
    if (!n.callFrame.url.includes('/src/')) continue;
    const k = label(n);
    if (!seen.has(k)) {
      seen.add(k);
      add(projInclusive, k, us);
    }
  }
}

const pct = (us: number) => `${((us / totalUs) * 100).toFixed(1).padStart(5)}%`;
const show = (title: string, m: Map<string, number>, n: number) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, v] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    process.stdout.write(`${pct(v)} ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}\n`);
  }
};
process.stdout.write(
  `profile ${(totalUs / 1e6).toFixed(1)} s, of which idle/program ${((idleUs / totalUs) * 100).toFixed(1)}%\n`,
);
show('self time by package / file', pkgSelf, top);
show('self time by function', fnSelf, top);
show('inclusive time of project functions', projInclusive, top);
