import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ErrorSchema } from '../../chat/schemas.js';
import { requireStaff } from '../../identity/staffContext.js';
import { requireAdministrator } from '../../organisations/admin/access.js';
import { campaignCsv, campaignCsvFileName, campaignReadRate, listCampaigns } from './campaignStats.js';

const tags = ['administration'];
const security = [{ staffSession: [] }];
const strict = { additionalProperties: false } as const;
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema };
const ClientParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, strict);
// Campaign ids are the sender's own text (slashes included), so they travel as a query value.
const CampaignQuery = Type.Object({ campaignId: Type.String({ minLength: 1, maxLength: 128 }) }, strict);

/** Campaign figures and the CSV export, for the organisation admins who own the sending client. */
export async function campaignRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { deps } = app;
  app.addHook('onRequest', async (request) => {
    requireAdministrator(requireStaff(request));
  });

  r.get(
    '/api/admin/api-clients/:id/campaigns',
    {
      schema: {
        tags,
        security,
        params: ClientParams,
        response: {
          200: Type.Object({
            campaigns: Type.Array(
              Type.Object({
                campaignId: Type.String(),
                messages: Type.Integer(),
                byStatus: Type.Record(Type.String(), Type.Integer()),
                delivered: Type.Integer(),
                read: Type.Integer(),
                readRate: Type.Number(),
                notificationOnly: Type.Integer(),
                firstSentAt: Type.String(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({ campaigns: await listCampaigns(deps, requireStaff(request), request.params.id) }),
  );

  r.get(
    '/api/admin/api-clients/:id/campaigns/read-rate',
    {
      schema: {
        tags,
        security,
        params: ClientParams,
        querystring: CampaignQuery,
        response: {
          200: Type.Object({
            points: Type.Array(
              Type.Object({
                hour: Type.String(),
                delivered: Type.Integer(),
                read: Type.Integer(),
                readRate: Type.Number(),
              }),
            ),
            truncated: Type.Boolean(),
          }),
          ...errors,
        },
      },
    },
    async (request) => campaignReadRate(deps, requireStaff(request), request.params.id, request.query.campaignId),
  );

  r.get(
    '/api/admin/api-clients/:id/campaigns/export.csv',
    { schema: { tags, security, params: ClientParams, querystring: CampaignQuery } },
    async (request, reply) => {
      const { campaignId } = request.query;
      const csv = await campaignCsv(deps, requireStaff(request), request.params.id, campaignId);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${campaignCsvFileName(campaignId)}"`)
        .send(csv);
    },
  );
}
