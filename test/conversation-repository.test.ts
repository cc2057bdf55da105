import { openDatabase, SqliteConversationRepository } from '../src/store/index.js';
import { describeConversationRepository } from './contracts/conversation-repository.contract.js';

describeConversationRepository(
  'SQLite',
  async () => new SqliteConversationRepository(openDatabase(':memory:')),
);
