import { appendAudit, conversationChain } from '../platform/audit/auditLog.js';
import type { Deps } from '../platform/deps.js';
import { NotFound } from '../platform/http/errors.js';
import { codeHmac, newToken, normaliseCode, tokenHash } from './access.js';

/**
 * The short code brings a person back on another device. It issues a fresh token. The code works
 * on the pages of the organisation that holds the conversation — so it still works after a
 * transfer between that organisation's services — and is useless anywhere else.
 */
export async function resumeByCode(deps: Deps, slug: string, rawCode: string): Promise<{ token: string }> {
  const code = normaliseCode(rawCode);
  // One answer for malformed, unknown and other-service codes: nothing to learn by guessing.
  const notFound = new NotFound('Conversation');
  if (!code) throw notFound;
  const hmac = await codeHmac(deps, code);
  const token = newToken();
  return deps.db.tx(async (q) => {
    const { rows } = await q.query<{ id: string; organisation_id: string }>(
      `SELECT c.id, c.organisation_id FROM conversations c
       JOIN services s ON s.organisation_id = c.organisation_id
       WHERE c.access_code_hmac = $1 AND s.slug = $2`,
      [hmac, slug],
    );
    const c = rows[0];
    if (!c) throw notFound;
    await q.query('INSERT INTO conversation_tokens (token_hash, conversation_id) VALUES ($1, $2)', [
      tokenHash(token),
      c.id,
    ]);
    await appendAudit(q, {
      chain: conversationChain(c.id),
      actorKind: 'service_user',
      actorId: c.id,
      action: 'conversation.resume_by_code',
      targetKind: 'conversation',
      targetId: c.id,
    });
    return { token };
  });
}
