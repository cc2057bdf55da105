import type { ReplyMessage, SourceItem } from '../protocol/index.js';
import type { RetrievedChunk, SearchResult } from '../rag/index.js';
import { searchWords, stem } from '../store/lexical/search-text.js';
import { citedSource, type RetrievedSources } from './cited-sources.js';
import type { FollowUp, ReadMessage } from './read-message.js';
import { attachedFileName, shownSource } from './shown-source.js';
import type { TurnCalls } from './turn-calls.js';
import { askedOfFiles, asksHelpCenter, holdsAll } from './session-files.js';

/** The passages a turn retrieved, numbered as retrieved. */
export interface NumberedPassages {
  /** Each passage as the client is shown it, made when first asked for. */
  retrieved: RetrievedSources;
  /** Every passage, as the client is shown them. */
  all(): SourceItem[];
}

/**
 * Searches the help center for what the message asks; `undefined` when it asks nothing. A
 * question about files (see `ReadMessage.filesAsked`) is searched in them first when they hold
 * what it asks (see `searchFilesFirst`): `filesQuery`, the message's own, or `''` where the files
 * are not searched. `failed`: the help center was to be searched and could not be (a timeout, the
 * database down, the breaker open): nothing is known of what it has on the question.
 */
export async function searchHelpCenter(
  calls: TurnCalls,
  message: Pick<ReadMessage, 'query' | 'looksUp' | 'question' | 'followUp' | 'filesAsked'>,
  filesQuery: string,
): Promise<{ search: SearchResult | undefined; fileLead: boolean; failed: boolean }> {
  if (message.query === '' || !message.looksUp) {
    return { search: undefined, fileLead: false, failed: false };
  }
  calls.emit({ type: 'status', stage: 'search' });
  const { query } = message;
  if (filesQuery !== '') {
    const inFiles = await searchFilesFirst(calls, message, filesQuery);
    if (inFiles) return { ...inFiles, failed: false };
  }
  const search = await calls.call<SearchResult>('kb_search', { query });
  if (search === undefined) return { search, fileLead: false, failed: true };
  return {
    search: await ownSubject(calls, message.followUp, search),
    fileLead: false,
    failed: false,
  };
}

/**
 * What the files say on a question about them, when that comes before the help center:
 *
 * - a question the help center is authoritative on ("how do I return an item?", "can I pay
 *   this by card?": see `asksHelpCenter`) never: the files answer it only when the help center
 *   has nothing (see `TurnRunner.#read`);
 * - one that asks only what they say ("what does this say?", "how much is it?") or points at
 *   files sent with it ("is this right?"): their passages with its words, else their lead;
 * - any other, when the files have a word of each thing it asks, or of its family ("when do I
 *   have to pay by?" with an invoice's "Late payment fee"): it asks what the customer's own
 *   document says of them. One they do not hold ("how much do I owe?", "what's the late fee on
 *   the invoice?" of an invoice with none) goes to the help center, and to the files only when
 *   the help center has nothing.
 *
 * `undefined` when the help center comes first.
 */
async function searchFilesFirst(
  calls: TurnCalls,
  message: Pick<ReadMessage, 'query' | 'question' | 'filesAsked'>,
  filesQuery: string,
): Promise<{ search: SearchResult; fileLead: boolean } | undefined> {
  const { query, question, filesAsked } = message;
  if (asksHelpCenter(question)) return undefined;
  const asked = askedOf(question, filesAsked.names);
  if ((asked.length === 0 && filesAsked.points) || (filesAsked.sent && filesAsked.points)) {
    return searchFileLead(calls, message, filesQuery);
  }
  const own = await searchFiles(calls, query);
  if (own && holdsAll(asked, textsOf(own))) return { search: own, fileLead: false };
  const lead = await searchFiles(calls, filesQuery);
  return lead && holdsAll(asked, textsOf(lead)) ? { search: lead, fileLead: true } : undefined;
}

/**
 * The search for a follow-up that names a subject of its own ("I don't like the colour, can I
 * exchange it?" after "how long does delivery take?"): searched with the question it leans on,
 * the passages found speak only of that question ("We deliver to most countries in Europe")
 * when none holds a word the follow-up names apart from it. The follow-up is then searched
 * alone, and what that finds stands when it speaks of those words ("We do not offer exchanges"):
 * the question before still tells the answer what "it" is. `search` otherwise.
 */
async function ownSubject(
  calls: TurnCalls,
  followUp: FollowUp | undefined,
  search: SearchResult,
): Promise<SearchResult> {
  if (!followUp || followUp.apart.length === 0) return search;
  const named = new Set(followUp.apart.map(stem));
  const speaksOf = (hit: RetrievedChunk) =>
    searchWords(`${hit.title} ${hit.headingPath.join(' ')} ${hit.text}`).some((word) =>
      named.has(stem(word)),
    );
  if (search.hits.some(speaksOf)) return search;
  const alone = await calls.call<SearchResult>('kb_search', { query: followUp.alone });
  return alone?.hits[0] && speaksOf(alone.hits[0]) ? alone : search;
}

/**
 * What the files a message asks about say on its question: their passages that have what it
 * asks (see `askedOfFiles`), else their lead passages (`fileLead`), found by their names
 * (`filesQuery`) as a message of files alone finds them. For a question that points at the files
 * ("what does this say?") and one the help center had no answer to ("how much do I owe?"):
 * neither shares a word with "Amount due: 42.50 GBP", and a page that shares one ("if you owe us
 * money") answers another question. Passages that share only a word it names the files by ("my
 * invoice") or the words of the question it follows ("here is my invoice") do not answer it
 * either. Files of an earlier message are given their lead only for a message that asks or
 * points at them: a word the help center does not have ("café") says nothing of the invoice
 * before it. `undefined` when the files have nothing.
 */
export async function searchFileLead(
  calls: TurnCalls,
  message: Pick<ReadMessage, 'query' | 'question' | 'filesAsked'>,
  filesQuery: string,
): Promise<{ search: SearchResult; fileLead: boolean } | undefined> {
  const { question, filesAsked } = message;
  const asked = askedOf(question, filesAsked.names);
  const own = await searchFiles(calls, message.query);
  if (own && holdsAll(asked, textsOf(own))) return { search: own, fileLead: false };
  if (!filesAsked.sent && !filesAsked.points && !ASKS.test(question)) return undefined;
  const lead = await searchFiles(calls, filesQuery);
  return lead && { search: lead, fileLead: true };
}

/**
 * Question words written without their apostrophe ("whats", "hows"): they ask, and no file has
 * them, so they are not what is looked for in it ("whats the order number on this invoice" asks
 * for the order number).
 */
const ASKING_CONTRACTIONS = new Set('whats hows whens wheres whos whys'.split(' '));

/** What a question about files asks of them (see `askedOfFiles`), but its question words. */
function askedOf(question: string, names: readonly string[]): string[] {
  return askedOfFiles(question, names).filter((word) => !ASKING_CONTRACTIONS.has(word));
}

/** A message that asks: a question mark, or a word that asks ("how much do I owe"). */
const ASKS =
  /\?|\b(?:how|what|whats|when|where|which|who|why|do|does|did|is|are|can|could|should|will|would)\b/i;

/** The passages found, as `holdsAll` reads them. */
function textsOf(found: SearchResult): string[] {
  return found.hits.map((hit) => `${hit.title} ${hit.text}`);
}

/**
 * The passages of the session's files that have the words of `query`; `undefined` when none
 * has (or the search failed).
 */
async function searchFiles(calls: TurnCalls, query: string): Promise<SearchResult | undefined> {
  const found = await calls.call<SearchResult>('kb_search', { query, filesOnly: true });
  return found && found.hits.length > 0 ? found : undefined;
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
    // A customer's file is named as they sent it ("invoice.pdf"), not by the title read from it.
    title: attachedFileName(hit.source) ?? hit.title,
    ...(hit.url ? { url: hit.url } : {}),
    source: shownSource(hit.source),
    snippet: hit.snippet,
    score: hit.score,
  };
}
