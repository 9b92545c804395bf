import WebSocket from 'ws';

export type Frame = { type: string; [key: string]: unknown };

/** A WebSocket client that records frames and lets a test wait for the one it expects. */
export class LiveClient {
  readonly frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void; reject: (e: Error) => void }[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse((data as Buffer).toString('utf8')) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      for (const w of this.waiters) w.reject(new Error(`socket closed ${code} ${String(reason)}`));
      this.waiters = [];
    });
  }

  static async open(url: string, opts: { cookie?: string; token?: string; origin?: string } = {}): Promise<LiveClient> {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.origin) headers.origin = opts.origin;
    const socket = new WebSocket(url, { headers });
    const client = new LiveClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    if (opts.token) socket.send(JSON.stringify({ type: 'auth', token: opts.token }));
    await client.next((f) => f.type === 'ready');
    return client;
  }

  /** The first frame, already received or still to come, that matches. Rejects after 5 s. */
  next(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    if (this.closed) return Promise.reject(new Error(`socket closed ${this.closed.code} ${this.closed.reason}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no matching frame within ${timeoutMs} ms; saw ${JSON.stringify(this.frames).slice(0, 500)}`),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match,
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}
