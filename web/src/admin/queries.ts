import { useQueries, useQuery } from '@tanstack/react-query';
import {
  adminKeys,
  campaignReadRate,
  listApiClients,
  listCampaigns,
  listClosures,
  listServices,
  listStaff,
  type ApiClient,
} from './adminApi.js';

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

/** The organisation's sending systems (organisation admins only; anyone else gets 404). */
export function useApiClients() {
  return useQuery({
    queryKey: adminKeys.apiClients,
    queryFn: async ({ signal }) => (await listApiClients(signal)).clients,
  });
}

const campaignsQuery = (clientId: string) => ({
  queryKey: adminKeys.campaigns(clientId),
  queryFn: async ({ signal }: { signal: AbortSignal }) => (await listCampaigns(clientId, signal)).campaigns,
});

export function useClientCampaigns(clientId: string) {
  return useQuery(campaignsQuery(clientId));
}

/** Every client's campaigns, one request per client, in the order of `clients`. */
export function useCampaignsOfClients(clients: ApiClient[] | undefined) {
  return useQueries({ queries: (clients ?? []).map((c) => campaignsQuery(c.id)) });
}

export function useCampaignReadRate(clientId: string, campaignId: string) {
  return useQuery({
    queryKey: adminKeys.readRate(clientId, campaignId),
    queryFn: ({ signal }) => campaignReadRate(clientId, campaignId, signal),
    enabled: campaignId !== '',
  });
}
