import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ErrorSchema } from '../chat/schemas.js';
import { requireOrgAdmin } from '../organisations/admin/access.js';
import { isValidNhsNumber } from '../outbound/nhsNumber.js';
import { recordAudit } from '../platform/audit/auditLog.js';
import { AppError, Invalid } from '../platform/http/errors.js';
import { enrolPatient } from './patients.js';
import { requireStaff } from './staffContext.js';

const strict = { additionalProperties: false } as const;
const TestPatientBody = Type.Object(
  {
    nhsNumber: Type.String({ pattern: '^999[0-9]{7}$' }),
    identityLevel: Type.Union([Type.Literal('P0'), Type.Literal('P5'), Type.Literal('P9')]),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ]{7,20}$' })),
  },
  strict,
);
const TestPatient = Type.Object({ id: Type.String(), nhsNumber: Type.String(), identityLevel: Type.String() });

/**
 * Enrolling test patients, for trying the outbound API without NHS login. Only numbers in the 999
 * range that the NHS keeps for testing, only when the deployment allows it (TEST_PATIENTS or demo
 * mode), and only by organisation admins: real patients arrive by signing in.
 */
export async function testPatientRoutes(app: FastifyInstance): Promise<void> {
  const { deps } = app;
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/admin/test-patients',
    {
      schema: {
        tags: ['administration'],
        security: [{ staffSession: [] }],
        body: TestPatientBody,
        response: { 201: TestPatient, 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
      // Before validation: to anyone else the route does not exist.
      onRequest: async (request) => {
        if (!deps.config.testPatients && !deps.config.demo) throw new AppError(404, 'not_found', 'Not found.');
        requireOrgAdmin(requireStaff(request));
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const body = request.body;
      if (!isValidNhsNumber(body.nhsNumber))
        throw new Invalid('That NHS number fails its check digit.', 'invalid_nhs_number');
      const id = await enrolPatient(deps, body);
      await recordAudit(deps.db, {
        chain: staff.organisationId,
        actorKind: 'staff',
        actorId: staff.staffId,
        action: 'patient.test_enrol',
        targetKind: 'patient',
        targetId: id,
        ip: staff.ip,
        reason: `identity level ${body.identityLevel}`,
      });
      return reply.status(201).send({ id, nhsNumber: body.nhsNumber, identityLevel: body.identityLevel });
    },
  );
}
