import type { KnowledgeRepository } from '../../src/store/index.js';

/**
 * Holds the next write of passages to `knowledge` (a re-index's, once its file is parsed) until
 * released: what a slow parse of a large file does, at a moment the test chooses. `reached`
 * settles when the write is waiting.
 */
export function holdNextWrite(knowledge: KnowledgeRepository): {
  reached: Promise<void>;
  release: () => void;
} {
  const write = knowledge.replaceSources.bind(knowledge);
  let entered = () => {};
  let release = () => {};
  const reached = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  knowledge.replaceSources = async (writes) => {
    knowledge.replaceSources = write;
    entered();
    await released;
    return write(writes);
  };
  return { reached, release };
}
