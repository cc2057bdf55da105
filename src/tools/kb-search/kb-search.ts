import { z } from 'zod';
import type { Retriever, SearchResult } from '../../rag/search/retriever.js';
import { defineTool } from '../define-tool.js';
import { sessionScope } from '../../store/index.js';

/** Longest question the knowledge base accepts, in characters. */
export const MAX_QUERY_CHARS = 10_000;

const input = z.object({
  query: z
    .string()
    .trim()
    .min(1, 'the query is empty')
    .max(MAX_QUERY_CHARS, `the query is longer than ${MAX_QUERY_CHARS} characters`),
  topK: z.number().int().min(1).max(50).optional(),
  /**
   * Search only the files the session attached, not the help center: a question about a file
   * ("how much do I owe?" with an invoice) is answered from the file before any page whose words
   * happen to match it ("owe" of "if you owe us money").
   */
  filesOnly: z.boolean().optional(),
});

/**
 * The `kb_search` tool: searches the help-center knowledge base — and, inside a session, the
 * files that session attached — for passages that answer a question.
 *
 * @example
 * tools.register(createKbSearchTool(retriever));
 * await tools.call('kb_search', { query: 'refund policy' }, { sessionId });
 */
export function createKbSearchTool(retriever: Retriever) {
  return defineTool<typeof input, SearchResult>({
    name: 'kb_search',
    description:
      'Search the help-center knowledge base for passages that answer a customer question. ' +
      'Returns the best passages with their title, source and a snippet; an empty list means ' +
      'nothing relevant was found.',
    input,
    // Covers embedding the question when dense retrieval is on; lexical search takes milliseconds.
    timeoutMs: 15_000,
    async execute({ query, topK, filesOnly }, { signal, sessionId }) {
      if (filesOnly && sessionId === undefined) return { mode: retriever.mode, hits: [] };
      const scopes =
        sessionId === undefined
          ? ['kb']
          : filesOnly
            ? [sessionScope(sessionId)]
            : ['kb', sessionScope(sessionId)];
      return retriever.search(query, { scopes, signal, ...(topK === undefined ? {} : { topK }) });
    },
  });
}
