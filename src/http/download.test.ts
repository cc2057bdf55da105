import { describe, expect, it } from 'vitest';
import { contentDisposition } from './download.js';

describe('contentDisposition', () => {
  it('names the file in ASCII and in encoded UTF-8, with nothing that could end or extend the header', () => {
    expect(contentDisposition('reçu "mai".pdf')).toBe(
      `attachment; filename="re_u _mai_.pdf"; filename*=UTF-8''re%C3%A7u%20%22mai%22.pdf`,
    );
    const hostile = contentDisposition('a.txt"; filename=evil.html\r\nSet-Cookie: x=1');
    expect(hostile).not.toMatch(/[\r\n]/);
    // One `filename` and one `filename*`: the name's own `;` and `"` are not syntax.
    expect(hostile.match(/;/g)).toHaveLength(2);
    expect(hostile.match(/"/g)).toHaveLength(2);
  });

  it('takes a name that is not well-formed UTF-16, and one with no ASCII at all', () => {
    expect(contentDisposition('bad\uD800.txt')).toBe(
      `attachment; filename="bad_.txt"; filename*=UTF-8''bad%EF%BF%BD.txt`,
    );
    expect(contentDisposition('写真')).toBe(
      `attachment; filename="__"; filename*=UTF-8''%E5%86%99%E7%9C%9F`,
    );
    expect(contentDisposition("it's (1)*.png")).toBe(
      `attachment; filename="it's (1)*.png"; filename*=UTF-8''it%27s%20%281%29%2A.png`,
    );
  });
});
