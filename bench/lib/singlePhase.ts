/**
 * Single in-app sends, open loop: requests leave at the target rate whatever the server does, so
 * when it falls behind, latency grows (including time queued in this client for a connection)
 * instead of the rate quietly dropping.
 */
import type http from 'node:http';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import { CHANNEL_PATH } from '../../src/outbound/fhir/systems.js';
import { snapshot, type Snapshot } from './cpuWindow.js';
import { postBuffer } from './http.js';
import { FHIR_JSON, recipient, singleBody, type Recipients } from './outboundApi.js';
import type { RssSampler } from './proc.js';

export type SingleOptions = {
  base: URL;
  agent: http.Agent;
  token: string;
  odsCode: string;
  recipients: Recipients;
  rate: number;
  durationS: number;
  warmupS: number;
  /** Makes request-ids unique across runs on one database (`--url`). */
  runTag: string;
  serverPid: number | null;
  rss: RssSampler | null;
  log: (line: string) => void;
};

export type SingleResult = {
  targetRate: number;
  durationS: number;
  warmupS: number;
  sent: number;
  accepted: number;
  acceptedPerSecond: number;
  failed: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  schedulerLagMs: { p99: number; max: number } | null;
  maxInflightRequests: number;
};

/** The warm-up starts at this fraction of the rate. */
const RAMP_FROM = 0.1;

/**
 * When each request is due, in ms from the start: a warm-up rising linearly from a tenth of the
 * rate to the full rate, then the full rate. A cold server (code not yet optimised, pool
 * connections and prepared statements not yet made) takes a few seconds at full rate to clear
 * the backlog it builds up; ramping lets it warm up as a service that has been running would be.
 */
function schedule(rate: number, warmupS: number, durationS: number): { due: Float64Array; warm: number } {
  const r0 = rate * RAMP_FROM;
  // During the ramp, n(t) = r0·t + (rate − r0)·t² / 2W; solved for t.
  const a = (rate - r0) / (2 * warmupS);
  const warm = warmupS > 0 ? Math.round((warmupS * (r0 + rate)) / 2) : 0;
  const total = warm + Math.round(rate * durationS);
  const out = new Float64Array(total);
  for (let n = 0; n < total; n++) {
    out[n] =
      n < warm ? ((-r0 + Math.sqrt(r0 * r0 + 4 * a * n)) / (2 * a)) * 1000 : (warmupS + (n - warm) / rate) * 1000;
  }
  return { due: out, warm };
}

const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;
const ms = (us: number) => round(us / 1000);
const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));

export async function runSinglePhase(o: SingleOptions): Promise<{
  result: SingleResult;
  window: { start: Snapshot; end: Snapshot };
  failures: Record<string, number>;
}> {
  const { due, warm: firstMeasured } = schedule(o.rate, o.warmupS, o.durationS);
  const total = due.length;
  const bodies = Array.from({ length: total }, (_, n) =>
    singleBody(recipient(o.recipients, n).nhsNumber, o.odsCode, `single-${o.runTag}-${n}`),
  );
  const headers = { authorization: `Bearer ${o.token}` };
  const path = CHANNEL_PATH.in_app;

  const hist = createHistogram();
  const lag = createHistogram();
  let secondHist: RecordableHistogram = createHistogram();
  const failures: Record<string, number> = {};
  let failureSamples = 0;
  let [issued, sent, accepted, acceptedAll, failed, inflight, maxInflight] = [0, 0, 0, 0, 0, 0, 0];

  const fail = (measured: boolean, key: string, detail: string) => {
    if (!measured) return;
    failed++;
    failures[key] = (failures[key] ?? 0) + 1;
    if (failureSamples++ < 5) o.log(`single failure: ${key} ${detail.slice(0, 300)}`);
  };

  const send = (n: number, measured: boolean) => {
    if (measured) sent++;
    inflight++;
    if (inflight > maxInflight) maxInflight = inflight;
    const t0 = performance.now();
    postBuffer(o.base, path, bodies[n]!, { agent: o.agent, headers, contentType: FHIR_JSON, timeoutMs: 30_000 }).then(
      (res) => {
        inflight--;
        if (res.status < 200 || res.status >= 300) return fail(measured, String(res.status), res.body);
        const us = Math.max(1, Math.round((performance.now() - t0) * 1000));
        acceptedAll++;
        secondHist.record(us);
        if (measured) {
          accepted++;
          hist.record(us);
        }
      },
      (err: unknown) => {
        inflight--;
        fail(measured, (err as NodeJS.ErrnoException).code ?? 'network', err instanceof Error ? err.message : '');
      },
    );
  };

  o.log(
    `single: ${o.warmupS} s warm-up rising to ${o.rate}/s, then ${o.durationS} s measured (${total} requests built)`,
  );
  const t0 = performance.now();
  const measureFrom = t0 + o.warmupS * 1000;
  let start: Snapshot | null = null;
  let end: Snapshot | null = null;
  let last = { at: t0, issued: 0, acceptedAll: 0 };
  const reporter = setInterval(() => {
    const now = performance.now();
    const secs = (now - last.at) / 1000;
    const p99 = secondHist.count ? round(secondHist.percentile(99) / 1000, 1) : null;
    o.log(
      `single t=${Math.round((now - t0) / 1000)}s send=${Math.round((issued - last.issued) / secs)}/s ` +
        `ok=${Math.round((acceptedAll - last.acceptedAll) / secs)}/s p99=${p99}ms inflight=${inflight} ` +
        `failed=${failed} rss=${o.rss?.last != null ? Math.round(o.rss.last) : '?'}MB`,
    );
    secondHist = createHistogram();
    last = { at: now, issued, acceptedAll };
  }, 1000);

  try {
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        if (!start && now >= measureFrom) start = snapshot(o.serverPid);
        while (issued < total && t0 + due[issued]! <= now) {
          const measured = issued >= firstMeasured;
          if (measured) lag.record(Math.max(1, Math.round((now - (t0 + due[issued]!)) * 1000)));
          send(issued, measured);
          issued++;
        }
        if (issued >= total) {
          clearInterval(timer);
          end = snapshot(o.serverPid);
          resolve();
        }
      };
      const timer = setInterval(tick, 1);
      tick();
    });
    const deadline = performance.now() + 35_000;
    while (inflight > 0 && performance.now() < deadline) await sleep(20);
  } finally {
    clearInterval(reporter);
  }

  const window = { start: (start as Snapshot | null) ?? end!, end: end! };
  return {
    result: {
      targetRate: o.rate,
      durationS: o.durationS,
      warmupS: o.warmupS,
      sent,
      accepted,
      acceptedPerSecond: round(accepted / o.durationS, 1),
      failed,
      latencyMs: hist.count
        ? {
            p50: ms(hist.percentile(50)),
            p95: ms(hist.percentile(95)),
            p99: ms(hist.percentile(99)),
            max: ms(hist.max),
          }
        : { p50: null, p95: null, p99: null, max: null },
      schedulerLagMs: lag.count ? { p99: ms(lag.percentile(99)), max: ms(lag.max) } : null,
      maxInflightRequests: maxInflight,
    },
    window,
    failures,
  };
}
