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
 * such a vector is of no use, and it still carries the passage's content. A vector goes with its
 * chunk (a trigger deletes it), so this normally finds none: the database looks for vectors
 * without a chunk itself, and only the stale ids, if any, leave it — not every vector id and
 * every chunk id, as they did when the two were compared here.
 */
export async function removeStaleVectors(index: VectorIndex | SqliteVectorIndex): Promise<number> {
  return index.removeStale();
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
  const removed = await removeStaleVectors(index);
  // Only the chunks without a vector are read: none, for a delete once indexing caught up.
  const missing = await index.missingIn(scope);
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
