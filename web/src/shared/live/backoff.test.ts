import { describe, expect, it } from 'vitest';
import { isTerminalClose, liveUrl, reconnectDelay } from './backoff.js';

describe('reconnectDelay', () => {
  it('grows exponentially with jitter and is capped at 30 seconds', () => {
    expect(reconnectDelay(0, () => 0)).toBe(500);
    expect(reconnectDelay(0, () => 1)).toBe(1000);
    expect(reconnectDelay(3, () => 0.5)).toBe(6000);
    expect(reconnectDelay(50, () => 1)).toBe(30_000);
    expect(reconnectDelay(50, () => 0)).toBe(15_000);
  });
});

describe('liveUrl', () => {
  it('stays on the page origin', () => {
    expect(liveUrl('/api/staff/live', { protocol: 'https:', host: 'confide.example.nhs.uk' })).toBe(
      'wss://confide.example.nhs.uk/api/staff/live',
    );
    expect(liveUrl('/api/staff/live', { protocol: 'http:', host: '127.0.0.1:5173' })).toBe(
      'ws://127.0.0.1:5173/api/staff/live',
    );
  });
});

describe('isTerminalClose', () => {
  it('gives up only when the server refused who we are', () => {
    expect(isTerminalClose(4401)).toBe(true);
    expect(isTerminalClose(1008)).toBe(true);
    expect(isTerminalClose(1006)).toBe(false);
    expect(isTerminalClose(1001)).toBe(false);
  });
});
