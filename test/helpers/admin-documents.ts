// The knowledge base's documents through the admin API, as the staff's console handles them:
// uploads, the document list and the search playground.
import { expect } from 'vitest';
import { ADMIN_KEY, bearer, call, type Json } from './http.js';

/** The `call` options of a request made with the admin key. */
export const ADMIN = { token: ADMIN_KEY };

/** A file of an upload: its name, as the form gives it, and its bytes or text. */
export type UploadedFile = readonly [name: string, data: Blob | string];

/** Uploads files in one multipart form (a `file` part each); the status and parsed body. */
export async function uploadFiles(
  url: string,
  files: readonly UploadedFile[],
): Promise<{ status: number; body: Json }> {
  const form = new FormData();
  for (const [name, data] of files) {
    form.append('file', typeof data === 'string' ? new Blob([data]) : data, name);
  }
  const response = await fetch(`${url}/v1/admin/documents`, {
    method: 'POST',
    headers: bearer(ADMIN_KEY),
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** Uploads one file, `name` holding `text`. */
export function uploadFile(
  url: string,
  name: string,
  text: string,
): Promise<{ status: number; body: Json }> {
  return uploadFiles(url, [[name, text]]);
}

/** The documents of the knowledge base's list (its first 200), of one source when given. */
export async function listedDocuments(url: string, source?: string): Promise<Json[]> {
  const list = await call(url, 'GET', '/v1/admin/documents?limit=200', ADMIN);
  expect(list.status).toBe(200);
  const items = list.body.items as Json[];
  return source === undefined ? items : items.filter((d) => d.source === source);
}

/** The sources of the knowledge base's documents, in the list's order (by source). */
export async function listedSources(url: string): Promise<string[]> {
  return (await listedDocuments(url)).map((d) => d.source as string);
}

/**
 * The search playground's passages for `query` (the knowledge base's, and a session's files
 * with `sessionId`), once it answered 200.
 */
export async function searchHits(url: string, query: string, sessionId?: string): Promise<Json[]> {
  const search = await call(url, 'POST', '/v1/admin/search', {
    ...ADMIN,
    body: { query, ...(sessionId !== undefined ? { sessionId } : {}) },
  });
  expect(search.status).toBe(200);
  return search.body.hits as Json[];
}

/** The texts of the passages of `hits` that come from `source`. */
export function textsFrom(hits: readonly Json[], source: string): string[] {
  return hits.filter((hit) => hit.source === source).map((hit) => hit.text as string);
}
