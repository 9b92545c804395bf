/** Opening the two kinds of live socket the way the web app does, for the benchmarks. */
import WebSocket from 'ws';

function waitForReady(socket: WebSocket, what: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      socket.terminate();
      reject(new Error(`${what}: no ready frame within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
      if (text.startsWith('{"type":"ready"')) {
        cleanup();
        resolve();
      }
    };
    const onClose = (code: number, reason: Buffer) => {
      cleanup();
      reject(new Error(`${what}: socket closed ${code} ${reason.toString()} before ready`));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new Error(`${what}: ${err.message}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
      socket.off('error', onError);
    };
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}

/** The staff console socket: authenticated by the session cookie at the upgrade. */
export async function openStaffSocket(base: URL, cookie: string, timeoutMs = 10_000): Promise<WebSocket> {
  const socket = new WebSocket(`ws://${base.host}/api/staff/live`, { headers: { cookie }, perMessageDeflate: false });
  await waitForReady(socket, 'staff live socket', timeoutMs);
  return socket;
}

/** The service user's socket: the token goes in the first frame, never in the URL. */
export async function openPublicSocket(base: URL, token: string, timeoutMs = 10_000): Promise<WebSocket> {
  const socket = new WebSocket(`ws://${base.host}/api/public/conversation/live`, { perMessageDeflate: false });
  socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
  await waitForReady(socket, 'service user live socket', timeoutMs);
  return socket;
}
