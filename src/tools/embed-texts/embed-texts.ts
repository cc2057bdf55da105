import { z } from 'zod';
import type { Embedder } from '../../rag/dense/index.js';
import { defineTool } from '../define-tool.js';

const input = z.object({
  texts: z.array(z.string().min(1, 'an empty text cannot be embedded')).min(1).max(256),
});

/**
 * The `embed_texts` tool: turns texts into vectors with the configured embeddings service. It is
 * the knowledge base's own (search and indexing), registered as a tool so that every call has a
 * timeout, retries, a circuit breaker and a span like any other.
 */
export function createEmbedTextsTool(embedder: Embedder) {
  return defineTool<typeof input, Float32Array[]>({
    name: 'embed_texts',
    description: 'Turns texts into embedding vectors for knowledge-base search.',
    input,
    timeoutMs: 10_000,
    async execute({ texts }, { signal }) {
      return embedder.embed(texts, { signal });
    },
  });
}
