/**
 * The embeddings port: turns texts into vectors that are close when the texts mean the same.
 * Dense retrieval depends on this alone; `createOpenAiEmbedder` is the adapter for OpenAI,
 * Ollama, vLLM and every server that speaks their protocol.
 */
export interface Embedder {
  /** The model name, e.g. 'text-embedding-3-small'. */
  readonly model: string;
  /** Embeds texts, in order; one vector per text. Throws AppError on failure (retryable when trying again may help). */
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}
