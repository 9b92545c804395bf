import { describe, expect, it } from 'vitest';
import { pushDueAt } from './quietHours.js';

const due = (iso: string) => pushDueAt(new Date(iso)).toISOString();

/** London wall-clock hour straight from Intl, so the check does not lean on the calendar module. */
const londonHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23' });

describe('quiet hours (22:00–06:00 Europe/London)', () => {
  it('sends at once during the day, in GMT and in BST', () => {
    expect(due('2026-01-15T12:00:00.000Z')).toBe('2026-01-15T12:00:00.000Z');
    expect(due('2026-01-15T21:59:59.999Z')).toBe('2026-01-15T21:59:59.999Z');
    expect(due('2026-01-15T06:00:00.000Z')).toBe('2026-01-15T06:00:00.000Z');
    // 20:59 UTC in July is 21:59 BST: still the evening.
    expect(due('2026-07-15T20:59:59.999Z')).toBe('2026-07-15T20:59:59.999Z');
    // 05:00 UTC in July is 06:00 BST: quiet hours are over.
    expect(due('2026-07-15T05:00:00.000Z')).toBe('2026-07-15T05:00:00.000Z');
  });

  it('holds a late-evening push until 06:00 the next morning', () => {
    expect(due('2026-01-15T22:00:00.000Z')).toBe('2026-01-16T06:00:00.000Z');
    expect(due('2026-01-15T23:30:00.000Z')).toBe('2026-01-16T06:00:00.000Z');
    // 21:30 UTC in July is 22:30 BST: held, until 06:00 BST (05:00 UTC).
    expect(due('2026-07-15T21:30:00.000Z')).toBe('2026-07-16T05:00:00.000Z');
    // Across the end of a month and of a year.
    expect(due('2026-01-31T23:00:00.000Z')).toBe('2026-02-01T06:00:00.000Z');
    expect(due('2026-12-31T22:30:00.000Z')).toBe('2027-01-01T06:00:00.000Z');
  });

  it('holds an early-morning push until 06:00 the same morning', () => {
    expect(due('2026-01-16T00:00:00.000Z')).toBe('2026-01-16T06:00:00.000Z');
    expect(due('2026-01-16T05:59:59.999Z')).toBe('2026-01-16T06:00:00.000Z');
    // 04:59 UTC in July is 05:59 BST.
    expect(due('2026-07-16T04:59:59.999Z')).toBe('2026-07-16T05:00:00.000Z');
    // 23:30 UTC in July is already 00:30 BST the next day.
    expect(due('2026-07-15T23:30:00.000Z')).toBe('2026-07-16T05:00:00.000Z');
  });

  it('crosses the spring clock change (29 March 2026: 01:00 GMT becomes 02:00 BST)', () => {
    // The evening before, in GMT: due at 06:00 BST, which is 05:00 UTC.
    expect(due('2026-03-28T23:30:00.000Z')).toBe('2026-03-29T05:00:00.000Z');
    // Just before and just after the change.
    expect(due('2026-03-29T00:59:59.999Z')).toBe('2026-03-29T05:00:00.000Z');
    expect(due('2026-03-29T01:00:00.000Z')).toBe('2026-03-29T05:00:00.000Z');
    // 05:30 UTC is 06:30 BST: not quiet any more (it would be in GMT).
    expect(due('2026-03-29T05:30:00.000Z')).toBe('2026-03-29T05:30:00.000Z');
    // That evening, 21:00 UTC is 22:00 BST.
    expect(due('2026-03-29T21:00:00.000Z')).toBe('2026-03-30T05:00:00.000Z');
  });

  it('crosses the autumn clock change (25 October 2026: 02:00 BST becomes 01:00 GMT)', () => {
    // The evening before, in BST (22:30 BST): due at 06:00 GMT, which is 06:00 UTC.
    expect(due('2026-10-24T21:30:00.000Z')).toBe('2026-10-25T06:00:00.000Z');
    // 01:30 local happens twice that night; both are held to the same 06:00.
    expect(due('2026-10-25T00:30:00.000Z')).toBe('2026-10-25T06:00:00.000Z');
    expect(due('2026-10-25T01:30:00.000Z')).toBe('2026-10-25T06:00:00.000Z');
    // 05:30 UTC is 05:30 GMT: still quiet (it would not be in BST).
    expect(due('2026-10-25T05:30:00.000Z')).toBe('2026-10-25T06:00:00.000Z');
    expect(due('2026-10-25T21:59:00.000Z')).toBe('2026-10-25T21:59:00.000Z');
  });

  it('never sends in quiet hours and never holds longer than the night, all year round', () => {
    const start = Date.UTC(2026, 0, 1);
    for (let ms = start; ms < start + 366 * 86_400_000; ms += 17 * 60_000 + 13_000) {
      const at = new Date(ms);
      const sent = pushDueAt(at);
      const hour = Number(londonHour.format(sent));
      expect(hour >= 6 && hour < 22, `${at.toISOString()} → ${sent.toISOString()}`).toBe(true);
      expect(sent.getTime()).toBeGreaterThanOrEqual(ms);
      // At most a night: 8 hours, or 9 on the night the clocks go back.
      expect(sent.getTime() - ms).toBeLessThanOrEqual(9 * 3_600_000);
      const atHour = Number(londonHour.format(at));
      if (atHour >= 6 && atHour < 22) expect(sent.getTime()).toBe(ms);
      else expect(londonHour.format(sent)).toBe('06');
    }
  });
});
