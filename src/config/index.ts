export { loadConfig, ConfigError } from './load.js';
export type { LoadConfigOptions } from './load.js';
export { ENV_VARS } from './env-vars.js';
export type { EnvVarSpec } from './env-vars.js';
export { describeConfig, maskSecret, maskUrl } from './describe.js';
export type { ConfigRow } from './describe.js';
export { configSchema, toolPolicySchema, toolPolicyOverrideSchema } from './schema.js';
export type { Config, ToolPolicy, ToolPolicyOverride } from './schema.js';
