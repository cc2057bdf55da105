import { AppError } from '../errors/index.js';
import type { ConversationRepository } from '../store/index.js';

/**
 * Claims an `Idempotency-Key` for a request, as every route that takes one does: the stored
 * response when the same request was completed before (`replay`), `claimed` when this request is
 * the one to run; a 409 when the key's first request is still running (retryable) or was for a
 * different body.
 *
 * @example
 * const claim = await claimIdempotencyKey(conversations, { sessionId, key, fingerprint, now });
 * if (claim.type === 'replay') return claim.response;
 */
export async function claimIdempotencyKey(
  conversations: ConversationRepository,
  claim: Parameters<ConversationRepository['claimIdempotencyKey']>[0],
): Promise<{ type: 'replay'; response: unknown } | { type: 'claimed' }> {
  const claimed = await conversations.claimIdempotencyKey(claim);
  if (claimed.state === 'completed') return { type: 'replay', response: claimed.response };
  if (claimed.state === 'in_progress') {
    throw new AppError(
      'conflict',
      'A request with this Idempotency-Key is still being processed; retry when it has finished.',
      { retryable: true, retryAfterMs: 1000 },
    );
  }
  if (claimed.state === 'mismatch') {
    throw new AppError(
      'conflict',
      'This Idempotency-Key was already used for a different message; use a new key for a new message.',
    );
  }
  return { type: 'claimed' };
}
