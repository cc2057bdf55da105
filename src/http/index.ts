export { buildServer } from './server.js';
export type { ServerOptions, SupportServer } from './server.js';
export { installErrorHandlers, sendError } from './errors.js';
export type { ErrorBody } from './errors.js';
export { MemoryRateLimiter, RedisRateLimiter } from './rate-limit.js';
export type { RateDecision, RateLimiter } from './rate-limit.js';
export { openApiDocument } from './openapi.js';
