import { describe, expect, it } from 'vitest';
import type { AttachmentSummary } from '../tools/index.js';
import { unreadNotice } from './unread-files.js';

const file = (name: string, problem?: AttachmentSummary['problem']): AttachmentSummary => ({
  name,
  ok: problem === undefined,
  preview: '',
  chunks: problem === undefined ? 1 : 0,
  ...(problem ? { problem, error: 'detail for the log' } : {}),
});

describe('the notice of files not read', () => {
  it('is empty when every file was read', () => {
    expect(unreadNotice([file('a.pdf'), file('b.txt')])).toBe('');
  });

  it('says of each file why, without the detail meant for the log, and counts past three', () => {
    const notice = unreadNotice([
      file('read.pdf'),
      file('contract.pdf', 'protected'),
      file('huge.txt', 'too_large'),
      file('slow.pdf', 'too_slow'),
      file('x.pdf', 'failed'),
      file('y.pdf', 'damaged'),
    ]);
    expect(notice).toBe(
      "contract.pdf is protected by a password, so I couldn't open it. huge.txt is too large for me to read. I couldn't finish reading slow.pdf in time. I couldn't read 2 more files.",
    );
    expect(notice).not.toContain('detail for the log');
  });

  it('shortens a long name and never leaves a name blank', () => {
    const notice = unreadNotice([file(`${'n'.repeat(200)}.pdf`, 'damaged'), file(' ', 'empty')]);
    expect(notice).toMatch(/^I couldn't read n{79}…: the file seems to be damaged\. /);
    expect(notice).toContain("I couldn't find any text in a file.");
  });
});
