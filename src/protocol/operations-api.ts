/**
 * The shapes of the routes for operators and their tools, outside `/v1`: `GET /health` and
 * `GET /ready`, for load balancers and orchestrators. (`GET /metrics` is Prometheus text.)
 */
import { z } from 'zod';

/** `GET /health` response: the process answers. */
export const healthSchema = z.object({ status: z.literal('ok') });
export type Health = z.infer<typeof healthSchema>;

/** `GET /ready` response, 200 when ready and 503 otherwise, with the same shape. */
export const readinessSchema = z.object({
  status: z
    .enum(['ready', 'not_ready', 'draining'])
    .describe(
      '`draining`: the server is stopping: it still answers for a moment (`SHUTDOWN_DRAIN_MS`) so that balancers stop sending, then takes no new requests.',
    ),
  checks: z.array(
    z.object({
      name: z.string(),
      ok: z.boolean(),
      detail: z
        .string()
        .optional()
        .describe('Why a check fails (a path, a host, an error): with the admin key only.'),
    }),
  ),
});
export type Readiness = z.infer<typeof readinessSchema>;
