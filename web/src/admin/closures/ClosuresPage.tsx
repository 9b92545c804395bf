import { ServiceFrame } from '../service/ServiceFrame.js';
import { Closures } from './Closures.js';

/** /staff/admin/services/:id/closures — days or hours the team is not working, on top of the weekly hours. */
export function ClosuresPage() {
  return <ServiceFrame page="closures">{(service) => <Closures key={service.id} service={service} />}</ServiceFrame>;
}
