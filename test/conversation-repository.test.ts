import { openDatabase, SqliteConversationRepository } from '../src/store/index.js';
import { describeConversationRepository } from './contracts/conversation-repository.contract.js';

describeConversationRepository(
  'SQLite',
  async (now) => new SqliteConversationRepository(openDatabase(':memory:'), now),
);
