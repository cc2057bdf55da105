export type {
  EscalationInfo,
  ReplyMessage,
  SourceItem,
  StaffMessageEvent,
  TurnEvent,
} from './events.js';
export { MAX_MESSAGE_CHARS, MAX_WS_MESSAGE_BYTES, turnResultBody } from './api.js';
export type { SessionSummary, SessionView, TurnResultBody } from './api.js';
