export { systemClock, sleep } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { backoffDelay } from './backoff.js';
export type { BackoffPolicy } from './backoff.js';
export { CircuitBreaker } from './circuit-breaker.js';
export type {
  BreakerPolicy,
  BreakerPermit,
  BreakerSnapshot,
  BreakerState,
} from './circuit-breaker.js';
export { Bulkhead } from './bulkhead.js';
export type { ConcurrencyPolicy } from './bulkhead.js';
export { noopObserver } from './observer.js';
export type { CallObserver, CallScope, RetryEvent } from './observer.js';
export { PolicyExecutor } from './policy-executor.js';
export type {
  AttemptContext,
  CallOptions,
  CallPolicy,
  ExecutorDeps,
  ExecutorSpec,
  Parsed,
} from './policy-executor.js';
export { TOOL_OUTCOMES } from './tool-result.js';
export type {
  CallInfo,
  ToolCancelled,
  ToolCircuitOpen,
  ToolError,
  ToolOk,
  ToolOutcome,
  ToolRejected,
  ToolResult,
  ToolTimeout,
} from './tool-result.js';
export { OtelCallObserver, BREAKER_STATE_VALUE } from './otel-observer.js';
export type { OtelObserverDeps } from './otel-observer.js';
export { ToolStatsObserver } from './tool-stats.js';
export type { ToolStatsSnapshot } from './tool-stats.js';
export { LocalToolHealth, RedisToolHealth, newInstanceId } from './shared-health.js';
export type {
  HealthScope,
  HealthView,
  InstanceHealth,
  LocalTools,
  ResetOutcome,
  SharedToolHealth,
  ToolHealth,
} from './shared-health.js';
