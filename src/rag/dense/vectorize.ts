import type { KnowledgeRepository } from '../../store/knowledge-repository.js';
import type { VectorIndex } from '../../store/vector-index.js';
import type { SqliteVectorIndex } from './vector-index.js';

/** Embeds texts through the tool-call layer; `null` when embeddings are unavailable. */
export type EmbedTexts = (texts: string[], signal?: AbortSignal) => Promise<Float32Array[] | null>;

/** The text a chunk is embedded as: its title and headings say what the passage is about. */
export function embeddingText(chunk: {
  title: string;
  headingPath: string[];
  text: string;
}): string {
  const path =
    chunk.headingPath[0] === chunk.title ? chunk.headingPath.slice(1) : chunk.headingPath;
  return [chunk.title, ...path, chunk.text].filter((part) => part.trim() !== '').join('\n');
}

/**
 * Gives every chunk of `scope` that has no vector yet one, in batches. Returns how many were
 * embedded, and why it stopped early when the embeddings service failed (the chunks left out
 * are embedded by the next run; search stays lexical for them meanwhile).
 */
export async function indexVectors(
  repo: KnowledgeRepository,
  // The synchronous SQLite index is still accepted as it is, besides the port.
  index: VectorIndex | SqliteVectorIndex,
  embed: EmbedTexts,
  options: { model: string; scope?: string; batchSize?: number; signal?: AbortSignal },
): Promise<{ embedded: number; pending: number; stopped?: string }> {
  const scope = options.scope ?? 'kb';
  const batchSize = options.batchSize ?? 64;
  const missing = await index.missing(await repo.chunkIds(scope));
  let embedded = 0;
  for (let start = 0; start < missing.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const chunks = await repo.chunksByIds(missing.slice(start, start + batchSize), [scope]);
    const vectors = await embed(chunks.map(embeddingText), options.signal);
    if (!vectors) {
      return {
        embedded,
        pending: missing.length - embedded,
        stopped: 'the embeddings service is unavailable',
      };
    }
    const dimensions = vectors[0]?.length;
    if (dimensions !== undefined) await index.configure(options.model, dimensions);
    await index.upsert(
      chunks.map((chunk, i) => ({ chunkId: chunk.chunkId, vector: vectors[i] as Float32Array })),
    );
    embedded += chunks.length;
  }
  return { embedded, pending: 0 };
}
