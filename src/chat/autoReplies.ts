import { currentClosedPeriodStart, isOpen, type ServiceCalendar } from '../platform/calendar/index.js';
import type { Service } from '../organisations/services.js';

export type AutoReply = { kind: 'auto_ack' | 'out_of_hours'; text: string };

/**
 * No message goes unanswered: the first message always gets the service's acknowledgement, and
 * a message sent while the service is closed gets the out-of-hours reply with crisis signposting
 * — once per closed period, so someone writing several messages overnight is not sent it each time.
 */
export function autoRepliesFor(input: {
  service: Pick<Service, 'welcomeMessage' | 'outOfHoursMessage'>;
  calendar: ServiceCalendar;
  now: Date;
  isFirstMessage: boolean;
  lastOutOfHoursPeriodStart: Date | null;
}): { replies: AutoReply[]; outOfHoursPeriodStart: Date | null } {
  const replies: AutoReply[] = [];
  if (input.isFirstMessage) replies.push({ kind: 'auto_ack', text: input.service.welcomeMessage });
  let period = input.lastOutOfHoursPeriodStart;
  if (!isOpen(input.calendar, input.now)) {
    // A service with no opening times at all has no period start; epoch stands for "always closed".
    const start = currentClosedPeriodStart(input.calendar, input.now) ?? new Date(0);
    if (!period || period.getTime() !== start.getTime()) {
      replies.push({ kind: 'out_of_hours', text: input.service.outOfHoursMessage });
      period = start;
    }
  }
  return { replies, outOfHoursPeriodStart: period };
}
