export { buildServer } from './server.js';
export type { ServerOptions } from './server.js';
export { installErrorHandlers, sendError } from './errors.js';
export type { ErrorBody } from './errors.js';
