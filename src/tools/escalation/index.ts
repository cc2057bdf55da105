export { createEscalationTool } from './escalation.js';
export type { EscalationOutcome } from './escalation.js';
