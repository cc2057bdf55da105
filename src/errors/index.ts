export { AppError, isAppError, toAppError } from './app-error.js';
export type { AppErrorOptions } from './app-error.js';
export { ERROR_CODES } from './codes.js';
export type { ErrorCode } from './codes.js';
