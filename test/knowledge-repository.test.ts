import { openDatabase, SqliteKnowledgeRepository } from '../src/store/index.js';
import { describeKnowledgeRepository } from './contracts/knowledge-repository.contract.js';

describeKnowledgeRepository(
  'SQLite',
  async (now) => new SqliteKnowledgeRepository(openDatabase(':memory:'), now),
);
