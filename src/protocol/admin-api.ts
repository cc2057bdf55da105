/** The REST shapes of `/v1/admin`, the staff's side of the API. */
import { z } from 'zod';

const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/** `GET /v1/admin/documents` query. */
export const documentListQuerySchema = z.strictObject({
  scope: z.string().min(1).max(200).default('kb'),
  ...page,
});

/** `GET /v1/admin/tickets` query. */
export const ticketListQuerySchema = z.strictObject({
  status: z.enum(['open', 'pending', 'resolved', 'closed']).optional(),
  ...page,
});

/** `PATCH /v1/admin/tickets/:id` body. */
export const ticketPatchSchema = z.strictObject({
  status: z.enum(['open', 'pending', 'resolved', 'closed']),
});

/** `GET /v1/admin/sessions` query. */
export const sessionListQuerySchema = z.strictObject({
  limit: page.limit,
  before: z.string().datetime({ offset: true }).optional(),
});

/** `GET /v1/admin/sessions/:id` and ticket transcripts query. */
export const transcriptQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/** `POST /v1/admin/search` body: the search playground. */
export const adminSearchBodySchema = z.strictObject({
  query: z.string().min(1).max(2000),
  /** Session scopes to search with the knowledge base, e.g. a session's attachments. */
  sessionId: z.string().uuid().optional(),
  topK: z.coerce.number().int().min(1).max(50).optional(),
});
