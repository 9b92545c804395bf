/**
 * npx tsx bench/markdownRules.ts — how many in-app message bodies per second one core can check,
 * for a typical 300-character message without links (the fast path) and one with two allowed
 * links (a full markdown parse). Prints exactly one JSON line on stdout.
 */
import { performance } from 'node:perf_hooks';
import { checkMessageMarkdown } from '../src/outbound/content/markdownRules.js';

const ALLOWED = ['www.nhs.uk', 'beechtree.example.org'];
const VARIANTS = 200;
const WARMUP_MS = 500;
const MEASURE_MS = 2000;

// Distinct bodies, as real traffic has, so nothing is measured against one string over and over.
const plain = Array.from(
  { length: VARIANTS },
  (_, i) =>
    `## Your appointment\n\nDear patient, your appointment at Beech Tree Surgery is on **${(i % 28) + 1} March** ` +
    `at 10:${String(i % 60).padStart(2, '0')}. Please arrive at least 10 minutes early and bring a list of any medicines ` +
    `you take.\n\n- If you cannot attend, call us on 01234 567890 as soon as you can\n- Reply STOP to opt out of ` +
    `text reminders`,
);
const withLinks = Array.from(
  { length: VARIANTS },
  (_, i) =>
    `## Your appointment\n\nYour appointment is on **${(i % 28) + 1} March** at 10:${String(i % 60).padStart(2, '0')}. ` +
    `Read [how to prepare](https://www.nhs.uk/conditions/blood-tests/) before you come to the surgery.\n\n` +
    `- To change it, use [our booking page](https://beechtree.example.org/appointments/${i})\n` +
    `- Bring your medicines and a list of questions`,
);

function perSecond(bodies: readonly string[]): number {
  let sink = 0;
  const run = (ms: number): number => {
    let count = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (const body of bodies) sink += checkMessageMarkdown(body, ALLOWED).length;
      count += bodies.length;
      elapsed = performance.now() - start;
    }
    return (count * 1000) / elapsed;
  };
  run(WARMUP_MS);
  const rate = run(MEASURE_MS);
  // Every body is acceptable; anything else means the benchmark measures the wrong thing.
  if (sink !== 0) throw new Error('a benchmark body was refused');
  return Math.round(rate);
}

const lengths = [...plain, ...withLinks].map((b) => b.length);
process.stderr.write(`body lengths ${Math.min(...lengths)}–${Math.max(...lengths)} characters\n`);
const plainPerSecond = perSecond(plain);
const withLinksPerSecond = perSecond(withLinks);
process.stdout.write(`${JSON.stringify({ bench: 'markdownRules', plainPerSecond, withLinksPerSecond })}\n`);
