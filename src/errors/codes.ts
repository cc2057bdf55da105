/**
 * Every error code the product raises. A code names a kind of failure a caller can act on;
 * the message says what happened in words a person understands.
 */
export const ERROR_CODES = [
  'config_invalid',
  'invalid_input',
  'invalid_output',
  'unknown_tool',
  'tool_failed',
  'timeout',
  'circuit_open',
  'rejected',
  'cancelled',
  'upstream_unavailable',
  'rate_limited',
  'not_found',
  'method_not_allowed',
  'unauthorized',
  'forbidden',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'internal',
] as const;

/** A string union of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];
