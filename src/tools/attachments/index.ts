export { createAttachmentsTool } from './attachments.js';
export type {
  AttachmentLimits,
  AttachmentProblem,
  AttachmentSummary,
  AttachmentsToolOptions,
} from './attachments.js';
export {
  attachmentFileSource,
  forgetAttachmentFiles,
  keepAttachmentFiles,
  keptAttachmentFile,
} from './kept-files.js';
export type { AttachmentFile, KeepOptions, KeptAttachment } from './kept-files.js';
export { SHOWN_PICTURE_TYPES, sniffMediaType } from './media-type.js';
