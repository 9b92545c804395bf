import { useEffect, useRef, useState } from 'react';
import { isTerminalClose, liveUrl, reconnectDelay } from './backoff.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

type Options = {
  path: string;
  enabled: boolean;
  /** First frame to send once open (service users authenticate this way; staff use their cookie). */
  authFrame?: () => unknown;
  /** Every parsed frame, including `{ type: 'ready' }`, which also happens after each reconnect. */
  onFrame: (frame: { type: string } & Record<string, unknown>) => void;
  /** The server refused the connection for good (for example an expired token). */
  onRejected?: () => void;
};

function parseFrame(data: unknown): ({ type: string } & Record<string, unknown>) | null {
  if (typeof data !== 'string') return null;
  try {
    const value = JSON.parse(data) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return value as { type: string } & Record<string, unknown>;
    }
  } catch {
    // A frame that is not JSON is ignored rather than breaking the page.
  }
  return null;
}

/**
 * A WebSocket to the same origin that reconnects with exponential backoff and jitter. The
 * attempt counter resets when the server says `ready`; going back online retries at once.
 */
export function useLiveSocket({ path, enabled, authFrame, onFrame, onRejected }: Options): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handlers = useRef({ authFrame, onFrame, onRejected });
  useEffect(() => {
    handlers.current = { authFrame, onFrame, onRejected };
  });

  useEffect(() => {
    if (!enabled) {
      setStatus('stopped');
      return;
    }
    let socket: WebSocket | null = null;
    let timer: number | undefined;
    let attempt = 0;
    let disposed = false;

    const scheduleReconnect = () => {
      if (disposed) return;
      setStatus('reconnecting');
      window.clearTimeout(timer);
      timer = window.setTimeout(connect, reconnectDelay(attempt));
      attempt += 1;
    };

    function connect() {
      if (disposed) return;
      setStatus((s) => (s === 'live' ? 'reconnecting' : s));
      const ws = new WebSocket(liveUrl(path));
      socket = ws;
      ws.onopen = () => {
        const frame = handlers.current.authFrame?.();
        if (frame !== undefined) ws.send(JSON.stringify(frame));
      };
      ws.onmessage = (event: MessageEvent) => {
        const frame = parseFrame(event.data);
        if (!frame) return;
        if (frame.type === 'ready') {
          attempt = 0;
          setStatus('live');
        }
        handlers.current.onFrame(frame);
      };
      ws.onclose = (event: CloseEvent) => {
        if (socket !== ws || disposed) return;
        socket = null;
        if (isTerminalClose(event.code)) {
          setStatus('stopped');
          handlers.current.onRejected?.();
          return;
        }
        scheduleReconnect();
      };
      // An error is always followed by close, which decides what to do next.
      ws.onerror = () => undefined;
    }

    const onOnline = () => {
      if (socket && socket.readyState <= WebSocket.OPEN) return;
      attempt = 0;
      window.clearTimeout(timer);
      connect();
    };

    setStatus('connecting');
    connect();
    window.addEventListener('online', onOnline);
    return () => {
      disposed = true;
      window.removeEventListener('online', onOnline);
      window.clearTimeout(timer);
      socket?.close(1000, 'page closed');
      socket = null;
    };
  }, [path, enabled]);

  return status;
}
