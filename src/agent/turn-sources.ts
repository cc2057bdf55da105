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

/**
 * Searches the help center for what the message asks; `undefined` when it asks nothing. A
 * question that points at the files it was sent with is searched in them first: `filesQuery`,
 * the message's own (see `ReadMessage.filesQuery`), or `''` where the files are not searched.
 */
export async function searchHelpCenter(
  calls: TurnCalls,
  message: Pick<ReadMessage, 'query' | 'looksUp' | 'question'>,
  filesQuery: string,
): Promise<{ search: SearchResult | undefined; fileLead: boolean }> {
  if (message.query === '' || !message.looksUp) return { search: undefined, fileLead: false };
  calls.emit({ type: 'status', stage: 'search' });
  const { query } = message;
  if (filesQuery !== '' && refersToFile(message.question)) {
    const inFiles = await searchFileLead(calls, query, filesQuery);
    if (inFiles) return inFiles;
  }
  const search = await calls.call<SearchResult>('kb_search', { query });
  return { search, fileLead: false };
}

/**
 * What the files a message was sent with say on its question: their passages that have its
 * words, else their lead passages (`fileLead`), found by their names (`filesQuery`) as a message
 * of files alone finds them. For a question that points at the files ("what does this say?")
 * and one the help center had no answer to ("how much do I owe?"): neither shares a word with
 * "Amount due: 42.50 GBP", and a page that shares one ("if you owe us money") answers another
 * question. `undefined` when the files have nothing.
 */
export async function searchFileLead(
  calls: TurnCalls,
  query: string,
  filesQuery: string,
): Promise<{ search: SearchResult; fileLead: boolean } | undefined> {
  const own = await searchFiles(calls, query);
  if (own) return { search: own, fileLead: false };
  const lead = await searchFiles(calls, filesQuery);
  return lead && { search: lead, fileLead: true };
}

/**
 * The passages of the session's files that have the words of `query`; `undefined` when none
 * has (or the search failed).
 */
async function searchFiles(calls: TurnCalls, query: string): Promise<SearchResult | undefined> {
  const found = await calls.call<SearchResult>('kb_search', { query, filesOnly: true });
  return found && found.hits.length > 0 ? found : undefined;
}

/** A message that points at what it was sent with: "what does this say?", "is it right?". */
const POINTS_AT_FILE = /\b(?:this|that|these|those|it|file|document|pdf|invoice|letter)\b/i;

/**
 * Whether a question sent with files asks about them though it has none of their words ("what
 * does this say?", "how much is this?"): it is answered with what they say (their lead passages)
 * rather than with help-center pages. One that points at nothing ("how do I return an item?")
 * is a help-center question sent beside a file, answered from the files only when the help
 * center has no answer to it ("how much do I owe?": see `searchFileLead`). A file it only
 * mentions ("my screenshot is attached") does not make it one.
 */
function refersToFile(question: string): boolean {
  return POINTS_AT_FILE.test(question);
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
