/**
 * Delay before reconnect attempt `attempt` (0-based): exponential from 1 second, capped at 30
 * seconds, with "equal jitter" so that many browsers dropped together (a server restart) do not
 * all come back in the same instant.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Close codes after which trying again cannot help: the server refused who we are (policy
 * violation, or the 4xxx codes mirroring HTTP 401/403/404). Anything else — a restart, a network
 * drop, a proxy timeout — is retried.
 */
export function isTerminalClose(code: number): boolean {
  return code === 1008 || code === 4401 || code === 4403 || code === 4404;
}

/** Same-origin WebSocket URL for an API path, so the CSP's connect-src 'self' allows it. */
export function liveUrl(path: string, loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return (loc.protocol === 'https:' ? 'wss://' : 'ws://') + loc.host + path;
}
