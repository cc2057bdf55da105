export { CorrelationContext } from './context.js';
export type { Correlation } from './context.js';
export { createLogger } from './logger.js';
export type { Logger, LoggerOptions } from './logger.js';
export { redactText, redactUrlCredentials, redactValue } from './redact.js';
export { setupTelemetry } from './otel.js';
export type { Telemetry, TelemetryOptions } from './otel.js';
export { LeanMetricProducer, LeanHistogram, HistogramSeries } from './lean-histogram.js';
