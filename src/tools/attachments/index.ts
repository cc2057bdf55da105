export { createAttachmentsTool } from './attachments.js';
export type { AttachmentLimits, AttachmentSummary } from './attachments.js';
