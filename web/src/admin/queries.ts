import { useQuery } from '@tanstack/react-query';
import { adminKeys, listClosures, listServices, listStaff } from './adminApi.js';

/** Every service the member administers (inactive ones included); the settings pages read from this list. */
export function useAdminServices() {
  return useQuery({
    queryKey: adminKeys.services,
    queryFn: async ({ signal }) => (await listServices(signal)).services,
  });
}

export function useAdminStaff() {
  return useQuery({
    queryKey: adminKeys.staff,
    queryFn: async ({ signal }) => (await listStaff(signal)).staff,
  });
}

export function useClosures(serviceId: string) {
  return useQuery({
    queryKey: adminKeys.closures(serviceId),
    queryFn: async ({ signal }) => (await listClosures(serviceId, signal)).closures,
  });
}
