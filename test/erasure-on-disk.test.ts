/**
 * The right to erasure on disk: once a session is erased, its words cannot be read back from the
 * SQLite database's file or its journal, where deleted rows would otherwise linger in free pages
 * and in the journal's copies of the pages they were on.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  bearer,
  call,
  createSession,
  startServer,
  type TestServer,
} from './helpers/http.js';

const dir = mkdtempSync(join(tmpdir(), 'sa-erasure-'));
const database = join(dir, 'support-agent.db');
let t: TestServer;

beforeAll(async () => {
  t = await startServer({}, { databasePath: database });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** How many times `marker` is in the database's files (the database, its journal). */
function onDisk(marker: string): number {
  let count = 0;
  for (const file of [database, `${database}-wal`]) {
    if (!existsSync(file)) continue;
    count += readFileSync(file).toString('latin1').split(marker).length - 1;
  }
  return count;
}

describe('an erased session', () => {
  it('leaves none of its words in the database file or its journal', async () => {
    const { id, token } = await createSession(t.url);
    const said = 'Quokka-Velvet-93';
    const attached = 'Marmalade-Zeppelin-27';
    const sent = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: `My order ${said} never came. I am furious and my lawyer will sue you.` },
    });
    expect(sent.status).toBe(200);
    const form = new FormData();
    form.set('text', 'What does my note say about the order?');
    form.set('file', new Blob([`Order note: ${attached} was left at the door.`]), 'note.txt');
    const withFile = await fetch(`${t.url}/v1/sessions/${id}/messages`, {
      method: 'POST',
      headers: bearer(token),
      body: form,
    });
    expect(withFile.status).toBe(200);
    // Stored: in the messages, the ticket and its webhook event, the file and its passages.
    expect(onDisk(said)).toBeGreaterThan(0);
    expect(onDisk(attached)).toBeGreaterThan(0);

    const erased = await call(t.url, 'DELETE', `/v1/admin/sessions/${id}`, { token: ADMIN_KEY });
    expect(erased.status).toBe(204);
    expect(onDisk(said)).toBe(0);
    expect(onDisk(attached)).toBe(0);
  });
});
