import type { ReplyMessage, SourceItem } from '../protocol/index.js';
import type { RetrievedChunk, SearchResult } from '../rag/index.js';
import { citedSource, type RetrievedSources } from './cited-sources.js';
import type { ReadMessage } from './read-message.js';
import { shownSource } from './shown-source.js';
import type { TurnCalls } from './turn-calls.js';

/** The passages a turn retrieved, numbered as retrieved. */
export interface NumberedPassages {
  /** Each passage as the client is shown it, made when first asked for. */
  retrieved: RetrievedSources;
  /** Every passage, as the client is shown them. */
  all(): SourceItem[];
}

/** Searches the help center for what the message asks; `undefined` when it asks nothing. */
export async function searchHelpCenter(
  calls: TurnCalls,
  message: Pick<ReadMessage, 'query' | 'looksUp'>,
): Promise<SearchResult | undefined> {
  if (message.query === '' || !message.looksUp) return undefined;
  calls.emit({ type: 'status', stage: 'search' });
  return calls.call<SearchResult>('kb_search', { query: message.query });
}

/**
 * Numbers the passages as retrieved: what a language model is given, and cites, as [1], [2] …
 * Each is made when first shown, once: an extractive reply shows only the passages it cites, and
 * a passage's snippet is made when it is first read (see `RetrievedChunk.snippet`).
 */
export function numberPassages(hits: RetrievedChunk[]): NumberedPassages {
  const shown: SourceItem[] = [];
  const retrieved: RetrievedSources = {
    length: hits.length,
    at: (i) => {
      const hit = hits[i];
      return hit && (shown[i] ??= sourceItem(hit, i + 1));
    },
  };
  return { retrieved, all: () => hits.map((_, i) => retrieved.at(i) as SourceItem) };
}

/**
 * The sources the client is offered before the reply's text. Without a language model, the
 * reply numbers its citations from [1] as it first cites each passage, and its sources are those,
 * numbered the same; with one, every passage retrieved is offered to it (and to the client) as it
 * is numbered in the model's context. Shown before the escalation, as a replay of the turn shows
 * them (see `replayEvents`).
 */
export function offeredSources(
  llm: boolean,
  passages: NumberedPassages,
  cited: number[],
  files: ReadonlyArray<{ name: string; preview: string }>,
): SourceItem[] {
  return llm
    ? passages.all()
    : cited.flatMap((n, k) => {
        const source = citedSource(n, passages.retrieved, files);
        return source ? [{ ...source, id: k + 1 }] : [];
      });
}

/**
 * The sources the reply's numbers stand for, in their order. An extractive answer standing in
 * for the model may cite a file, numbered after the passages retrieved.
 */
export function replySources(
  llm: boolean,
  passages: NumberedPassages,
  reply: Pick<ReplyMessage, 'answeredBy'> & { cited: number[] },
  files: ReadonlyArray<{ name: string; preview: string }>,
  offered: SourceItem[],
): SourceItem[] {
  if (!llm) return offered;
  const { retrieved } = passages;
  const { cited } = reply;
  return [
    ...passages.all().filter((s) => cited.includes(s.id)),
    ...(reply.answeredBy === 'extractive'
      ? cited.flatMap((n) => (n > retrieved.length ? (citedSource(n, retrieved, files) ?? []) : []))
      : []),
  ];
}

/** A passage retrieved as the client is shown it, numbered `id`. */
function sourceItem(hit: RetrievedChunk, id: number): SourceItem {
  return {
    id,
    title: hit.title,
    ...(hit.url ? { url: hit.url } : {}),
    source: shownSource(hit.source),
    snippet: hit.snippet,
    score: hit.score,
  };
}
