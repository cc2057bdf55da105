import { randomUUID } from 'node:crypto';
import { sessionScope, type KnowledgeRepository } from '../../store/index.js';
import { sniffMediaType } from './media-type.js';

/**
 * An attached file as its message lists it: enough for staff to know it and to download it.
 * Its bytes are kept with the session (see {@link keepAttachmentFiles}).
 */
export interface AttachmentFile {
  /** Its id within its session: the admin API downloads it by this. */
  id: string;
  /** Its name, as the customer's client sent it (made safe by the multipart reader). */
  name: string;
  /** Its size in bytes. */
  size: number;
  /** Its media type, told by its bytes (see `sniffMediaType`), never by its name. */
  mediaType: string;
  /**
   * Card numbers hidden in the copy kept of a text file (see {@link KeepOptions.hide}): the
   * copy is not byte for byte what was sent. Absent when none was.
   */
  cardsHidden?: number;
}

/** Options of {@link keepAttachmentFiles}. */
export interface KeepOptions {
  /**
   * Hides what must never be stored (payment card numbers) in a text file, as in the message
   * and in the passages read from files: a text file that has any is kept with them hidden,
   * re-encoded as UTF-8. Other files (a PDF, a Word document) are read after they are kept:
   * one in whose text the reading finds card numbers is then forgotten (see
   * {@link forgetAttachmentFiles}). A picture is not looked into.
   */
  hide?: (text: string) => { text: string; hidden: number };
  /** New ids; `randomUUID` by default. */
  newId?: () => string;
}

/** A file kept for staff, as it is read back: its name, its bytes and their media type. */
export interface KeptAttachment {
  name: string;
  data: Uint8Array;
  mediaType: string;
}

/**
 * The source an attached file's bytes are kept under in its session's scope: by an id of its
 * own, not by its name, so that a second `image.png` of the conversation (every phone names its
 * screenshots alike) is kept beside the first rather than in its place. Apart from the
 * `attachment:<name>` sources of the passages read from files: deleting or replacing those
 * never touches the bytes.
 */
export function attachmentFileSource(id: string): string {
  return `file:${id}`;
}

/**
 * Keeps the bytes of a message's files with its session, in the knowledge repository's file
 * storage of the session's scope `session:<id>`: every file, a picture or one that cannot be
 * read too, so that staff taking the conversation over see what the customer sent. They stay
 * as long as the transcript that lists them: when the session ends, only the passages read
 * from them go; erasing the session (on request or by the retention sweep) deletes them with
 * the rest of it (`KnowledgeRepository.deleteScope`).
 * Returns the files as the customer's message lists them, in the order given.
 *
 * @example
 * const files = await keepAttachmentFiles(knowledge, sessionId, [{ name: 'receipt.png', data }]);
 * // [{ id: '…', name: 'receipt.png', size: 48213, mediaType: 'image/png' }]
 */
export async function keepAttachmentFiles(
  knowledge: Pick<KnowledgeRepository, 'keepFile'>,
  sessionId: string,
  files: ReadonlyArray<{ name: string; data: Uint8Array }>,
  options: KeepOptions = {},
): Promise<AttachmentFile[]> {
  const scope = sessionScope(sessionId);
  const newId = options.newId ?? randomUUID;
  const kept: AttachmentFile[] = [];
  for (const file of files) {
    const id = newId();
    const mediaType = sniffMediaType(file.data);
    const { data, hidden } =
      mediaType === 'text/plain' && options.hide
        ? hiddenIn(file.data, options.hide)
        : { data: file.data, hidden: 0 };
    await knowledge.keepFile(scope, attachmentFileSource(id), { name: file.name, data });
    kept.push({
      id,
      name: file.name,
      size: data.length,
      mediaType,
      ...(hidden > 0 ? { cardsHidden: hidden } : {}),
    });
  }
  return kept;
}

/** A text file's bytes with `hide` applied, or the bytes as they were when it hid nothing. */
function hiddenIn(
  data: Uint8Array,
  hide: NonNullable<KeepOptions['hide']>,
): { data: Uint8Array; hidden: number } {
  const { text, hidden } = hide(new TextDecoder().decode(data));
  return hidden > 0 ? { data: new TextEncoder().encode(text), hidden } : { data, hidden: 0 };
}

/**
 * Deletes the kept bytes of these files of a session: those whose text the reading found card
 * numbers in, which cannot be hidden in a PDF's or a Word document's bytes.
 */
export async function forgetAttachmentFiles(
  knowledge: Pick<KnowledgeRepository, 'deleteSource'>,
  sessionId: string,
  ids: readonly string[],
): Promise<void> {
  const scope = sessionScope(sessionId);
  for (const id of ids) await knowledge.deleteSource(scope, attachmentFileSource(id));
}

/**
 * The file `id` kept with session `sessionId`, or null when it has none of that id: a file of
 * another session is looked for in this session's scope only, so it is never found through it.
 */
export async function keptAttachmentFile(
  knowledge: Pick<KnowledgeRepository, 'keptFile'>,
  sessionId: string,
  id: string,
): Promise<KeptAttachment | null> {
  const file = await knowledge.keptFile(sessionScope(sessionId), attachmentFileSource(id));
  return file ? { ...file, mediaType: sniffMediaType(file.data) } : null;
}
