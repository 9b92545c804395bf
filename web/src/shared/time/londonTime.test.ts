import { describe, expect, it } from 'vitest';
import { clockTime, formatDuration, formatHhMm, formatMessageTime, formatNextOpening } from './londonTime.js';

describe('clockTime', () => {
  it('follows the NHS style guide', () => {
    expect(clockTime(9, 0)).toBe('9am');
    expect(clockTime(17, 30)).toBe('5:30pm');
    expect(clockTime(12, 0)).toBe('midday');
    expect(clockTime(0, 0)).toBe('midnight');
    expect(clockTime(0, 5)).toBe('12:05am');
    expect(formatHhMm('13:30')).toBe('1:30pm');
    expect(formatHhMm('24:00')).toBe('midnight');
  });
});

describe('London times', () => {
  const winterNow = new Date('2025-01-15T12:00:00Z');
  const summerNow = new Date('2025-07-15T12:00:00Z');

  it('shows GMT in winter and BST in summer, whatever the device zone', () => {
    expect(formatMessageTime('2025-01-15T09:15:00Z', winterNow)).toBe('9:15am');
    expect(formatMessageTime('2025-07-15T09:15:00Z', summerNow)).toBe('10:15am');
  });

  it('uses London calendar days, not UTC ones', () => {
    // 23:30 UTC on 14 July is 00:30 on 15 July in London.
    expect(formatMessageTime('2025-07-14T23:30:00Z', summerNow)).toBe('12:30am');
    expect(formatMessageTime('2025-07-14T12:00:00Z', summerNow)).toBe('Yesterday at 1pm');
    expect(formatMessageTime('2025-07-01T12:00:00Z', summerNow)).toBe('Tue 1 Jul at 1pm');
    expect(formatMessageTime('2024-12-24T12:00:00Z', winterNow)).toBe('24 Dec 2024 at midday');
  });

  it('says when a service next opens', () => {
    expect(formatNextOpening('2025-01-15T17:00:00Z', winterNow)).toBe('today at 5pm');
    expect(formatNextOpening('2025-01-16T09:00:00Z', winterNow)).toBe('tomorrow at 9am');
    expect(formatNextOpening('2025-01-20T09:00:00Z', winterNow)).toBe('Monday 20 January at 9am');
  });
});

describe('formatDuration', () => {
  it('reads naturally', () => {
    expect(formatDuration(20_000)).toBe('less than a minute');
    expect(formatDuration(60_000)).toBe('1 minute');
    expect(formatDuration(125 * 60_000)).toBe('2 hours 5 minutes');
    expect(formatDuration(120 * 60_000)).toBe('2 hours');
    expect(formatDuration((24 * 3 + 4) * 3_600_000)).toBe('3 days 4 hours');
    expect(formatDuration(-5)).toBe('less than a minute');
  });
});
