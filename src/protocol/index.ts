export type { EscalationInfo, ReplyMessage, SourceItem, TurnEvent } from './events.js';
