export { createEscalationTool } from './escalation.js';
export type { EscalationOutcome } from './escalation.js';
export { readShortReply } from './policy/index.js';
export type { ShortReply } from './policy/index.js';
