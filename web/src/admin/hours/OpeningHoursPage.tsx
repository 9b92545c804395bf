import { ServiceFrame } from '../service/ServiceFrame.js';
import { HoursEditor } from './HoursEditor.js';

/** /staff/admin/services/:id/hours — the weekly timetable. */
export function OpeningHoursPage() {
  return <ServiceFrame page="hours">{(service) => <HoursEditor key={service.id} service={service} />}</ServiceFrame>;
}
