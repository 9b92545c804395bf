/**
 * Every time a person sees is in Europe/London, whatever the device's own time zone, and follows
 * the NHS style guide: "9am", "5:30pm", "Monday 3 March".
 */
const ZONE = 'Europe/London';

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  weekday: 'long',
  hour: 'numeric',
  minute: '2-digit',
  hour12: false,
});

type LondonParts = {
  year: number;
  month: string;
  day: number;
  weekday: string;
  hour: number;
  minute: number;
};

export function londonParts(date: Date): LondonParts {
  const parts: Record<string, string> = {};
  for (const p of partsFormat.formatToParts(date)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: parts.month ?? '',
    day: Number(parts.day),
    weekday: parts.weekday ?? '',
    // Some engines write midnight as 24 with hour12: false.
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
  };
}

/** "2025-03-03" in London, for comparing calendar days. */
export function londonDateKey(date: Date): string {
  const p = londonParts(date);
  return `${p.year}-${p.month}-${p.day}`;
}

/** 24-hour clock numbers to NHS style: (9, 0) → "9am", (17, 30) → "5:30pm", (12, 0) → "midday". */
export function clockTime(hour: number, minute: number): string {
  if (hour === 12 && minute === 0) return 'midday';
  if (hour === 0 && minute === 0) return 'midnight';
  const suffix = hour < 12 ? 'am' : 'pm';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return minute === 0 ? `${h12}${suffix}` : `${h12}:${String(minute).padStart(2, '0')}${suffix}`;
}

/** "09:00" → "9am"; an opening period's end of "24:00" → "midnight". */
export function formatHhMm(hhmm: string): string {
  const [h, m] = hhmm.split(':');
  return clockTime(Number(h) % 24, Number(m ?? 0));
}

function shortMonth(month: string): string {
  return month.slice(0, 3);
}

/** "Monday 3 March 2025 at 9:15am" — for titles and tooltips where nothing may be left out. */
export function formatFull(iso: string): string {
  const p = londonParts(new Date(iso));
  return `${p.weekday} ${p.day} ${p.month} ${p.year} at ${clockTime(p.hour, p.minute)}`;
}

/** Short and relative to today: "9:15am", "Yesterday at 9:15am", "Mon 3 Mar at 9:15am", "3 Mar 2024 at 9:15am". */
export function formatMessageTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const p = londonParts(date);
  const time = clockTime(p.hour, p.minute);
  const today = londonDateKey(now);
  if (londonDateKey(date) === today) return time;
  const yesterday = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  if (londonDateKey(date) === londonDateKey(yesterday)) return `Yesterday at ${time}`;
  if (p.year === londonParts(now).year) {
    return `${p.weekday.slice(0, 3)} ${p.day} ${shortMonth(p.month)} at ${time}`;
  }
  return `${p.day} ${shortMonth(p.month)} ${p.year} at ${time}`;
}

/** When a service next opens: "today at 9am", "tomorrow at 9am", "Monday 3 March at 9am". */
export function formatNextOpening(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const p = londonParts(date);
  const time = clockTime(p.hour, p.minute);
  if (londonDateKey(date) === londonDateKey(now)) return `today at ${time}`;
  const tomorrow = new Date(now.getTime() + 24 * 60 * 60 * 1000);
  if (londonDateKey(date) === londonDateKey(tomorrow)) return `tomorrow at ${time}`;
  return `${p.weekday} ${p.day} ${p.month} at ${time}`;
}

/** A length of time in words: "less than a minute", "5 minutes", "2 hours 5 minutes", "3 days 4 hours". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${plural(hours, 'hour')} ${plural(rest, 'minute')}` : plural(hours, 'hour');
  }
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours ? `${plural(days, 'day')} ${plural(restHours, 'hour')}` : plural(days, 'day');
}
