import { openDatabase, SqliteKnowledgeRepository } from '../src/store/index.js';
import { describeKnowledgeRepository } from './contracts/knowledge-repository.contract.js';
import { describeOnPostgres } from './helpers/postgres-contract.js';

describeKnowledgeRepository(
  'SQLite',
  async (now) => new SqliteKnowledgeRepository(openDatabase(':memory:'), now),
);

await describeOnPostgres(
  describeKnowledgeRepository,
  (store) => store.knowledge,
  async (admin) => {
    // Chunk ids keep counting: the contract expects ids never to be reused.
    await admin.query('TRUNCATE documents, chunks, source_files');
    await admin.query('UPDATE chunk_totals SET chunks = 0, words = 0, title_words = 0');
  },
);
