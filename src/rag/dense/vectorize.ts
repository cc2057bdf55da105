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
 * Removes the vectors of chunks that no longer exist — of a deleted document, or the passages a
 * changed document's new ones replaced — and returns how many. Chunk ids are never reused, so
 * such a vector is of no use, and it still carries the passage's content. The same few queries
 * whatever the size of the index, none per chunk: the ids with a vector, the ids of every chunk
 * (of every scope: the index knows nothing of scopes), and one delete when some are stale.
 *
 * The index is read before the chunks: a vector is stored only for a chunk that exists, so a
 * vector listed belongs to a chunk already written, which the later read of the chunks sees
 * unless it was deleted meanwhile. A vector stored in between is not listed, hence not removed.
 * (A vector stored by another run for a chunk deleted just before is left to the next run.)
 */
export async function removeStaleVectors(
  repo: KnowledgeRepository,
  index: VectorIndex | SqliteVectorIndex,
): Promise<number> {
  const stored = await index.chunkIds();
  if (stored.length === 0) return 0;
  const live = new Set(await repo.chunkIds());
  const stale = stored.filter((id) => !live.has(id));
  await index.delete(stale);
  return stale.length;
}

/** What {@link indexVectors} did. */
export interface IndexVectorsResult {
  /** Chunks given a vector by this run. */
  embedded: number;
  /** Chunks of the scope still without one, left for the next run. */
  pending: number;
  /** Vectors removed because their chunk no longer exists. */
  removed: number;
  /** Why embedding stopped early, when it did. */
  stopped?: string;
}

/**
 * Brings the index in line with the passages: first removes the vectors of chunks that no longer
 * exist (see {@link removeStaleVectors}), then gives every chunk of `scope` that has no vector
 * yet one, in batches. Says how many were embedded and removed, and why it stopped early when
 * the embeddings service failed (the chunks left out are embedded by the next run; search stays
 * lexical for them meanwhile). With `embed: false` it only removes, and never calls the
 * embeddings service: what a delete needs.
 */
export async function indexVectors(
  repo: KnowledgeRepository,
  // The synchronous SQLite index is still accepted as it is, besides the port.
  index: VectorIndex | SqliteVectorIndex,
  embed: EmbedTexts,
  options: {
    model: string;
    scope?: string;
    batchSize?: number;
    signal?: AbortSignal;
    embed?: boolean;
  },
): Promise<IndexVectorsResult> {
  const scope = options.scope ?? 'kb';
  const batchSize = options.batchSize ?? 64;
  // Before embedding: the embeddings service being down must not keep stale vectors.
  const removed = await removeStaleVectors(repo, index);
  const missing = await index.missing(await repo.chunkIds(scope));
  if (options.embed === false) return { embedded: 0, pending: missing.length, removed };
  let embedded = 0;
  for (let start = 0; start < missing.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const chunks = await repo.chunksByIds(missing.slice(start, start + batchSize), [scope]);
    const vectors = await embed(chunks.map(embeddingText), options.signal);
    if (!vectors) {
      return {
        embedded,
        pending: missing.length - embedded,
        removed,
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
  return { embedded, pending: 0, removed };
}
