import { ServiceFrame } from './ServiceFrame.js';
import { SettingsForm } from './SettingsForm.js';

/** /staff/admin/services/:id — the service's settings. */
export function ServiceSettingsPage() {
  return <ServiceFrame page="">{(service) => <SettingsForm key={service.id} service={service} />}</ServiceFrame>;
}
