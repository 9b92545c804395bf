/**
 * Who used the CPU during one measured window: the server, this load generator, PostgreSQL and
 * everything else, so a phase's figures can be read against what the machine could give it.
 */
import { performance } from 'node:perf_hooks';
import { readCpuSeconds, readMachineCpu, readPostgresCpuSeconds, ticksPerSecond } from './proc.js';

export type Snapshot = {
  at: number;
  serverCpu: number | null;
  client: NodeJS.CpuUsage;
  pgCpu: number | null;
  machine: ReturnType<typeof readMachineCpu>;
};

export function snapshot(serverPid: number | null): Snapshot {
  return {
    at: performance.now(),
    serverCpu: serverPid !== null ? readCpuSeconds(serverPid) : null,
    client: process.cpuUsage(),
    pgCpu: readPostgresCpuSeconds(),
    machine: readMachineCpu(),
  };
}

export type CpuFigures = {
  windowS: number;
  serverCpuS: number | null;
  clientCpuS: number;
  postgresCpuS: number | null;
  /** Busy time nobody above accounts for: other processes, the kernel. Large means a noisy run. */
  otherCpuS: number | null;
  machineCpuBusyPct: number | null;
  cores: number | null;
};

const round2 = (n: number) => Math.round(n * 100) / 100;

export function cpuBetween(a: Snapshot, b: Snapshot): CpuFigures {
  const diff = (x: number | null, y: number | null) => (x === null || y === null ? null : round2(y - x));
  const clientCpuS = round2((b.client.user + b.client.system - a.client.user - a.client.system) / 1e6);
  const serverCpuS = diff(a.serverCpu, b.serverCpu);
  const postgresCpuS = diff(a.pgCpu, b.pgCpu);
  let machineCpuBusyPct: number | null = null;
  let otherCpuS: number | null = null;
  if (a.machine && b.machine) {
    const busy = b.machine.busy - a.machine.busy;
    machineCpuBusyPct = Math.round((busy / (b.machine.total - a.machine.total)) * 1000) / 10;
    otherCpuS = round2(busy / ticksPerSecond() - (serverCpuS ?? 0) - (postgresCpuS ?? 0) - clientCpuS);
  }
  return {
    windowS: round2((b.at - a.at) / 1000),
    serverCpuS,
    clientCpuS,
    postgresCpuS,
    otherCpuS,
    machineCpuBusyPct,
    cores: b.machine?.cores ?? null,
  };
}
