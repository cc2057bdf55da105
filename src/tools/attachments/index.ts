export { createAttachmentsTool } from './attachments.js';
export type { AttachmentLimits, AttachmentSummary, AttachmentsToolOptions } from './attachments.js';
