const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

/** True when `bytes` start like a ZIP archive (DOCX, XLSX, ODT, JAR and plain zips alike). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && view(bytes).getUint32(0, true) === LOCAL_HEADER;
}

/**
 * The entry names of a ZIP archive, read from its central directory. When there is none (the
 * archive was cut short) the local headers are walked instead, so a truncated Word document is
 * still recognised as one and reported as unreadable rather than as "not a Word document".
 */
export function zipEntryNames(bytes: Uint8Array): string[] {
  return centralDirectoryNames(bytes) ?? localHeaderNames(bytes);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function centralDirectoryNames(bytes: Uint8Array): string[] | undefined {
  const data = view(bytes);
  // The end record is 22 bytes plus a comment of up to 64 KiB, so it is searched for backwards.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (data.getUint32(at, true) !== END_OF_CENTRAL_DIRECTORY) continue;
    const count = data.getUint16(at + 10, true);
    let offset = data.getUint32(at + 16, true);
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      if (offset + 46 > bytes.length || data.getUint32(offset, true) !== CENTRAL_HEADER) {
        return undefined;
      }
      const nameLength = data.getUint16(offset + 28, true);
      const extraLength = data.getUint16(offset + 30, true);
      const commentLength = data.getUint16(offset + 32, true);
      names.push(decodeName(bytes.subarray(offset + 46, offset + 46 + nameLength)));
      offset += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  }
  return undefined;
}

function localHeaderNames(bytes: Uint8Array): string[] {
  const data = view(bytes);
  const names: string[] = [];
  let offset = 0;
  while (offset + 30 <= bytes.length && data.getUint32(offset, true) === LOCAL_HEADER) {
    const flags = data.getUint16(offset + 6, true);
    const compressedSize = data.getUint32(offset + 18, true);
    const nameLength = data.getUint16(offset + 26, true);
    const extraLength = data.getUint16(offset + 28, true);
    names.push(decodeName(bytes.subarray(offset + 30, offset + 30 + nameLength)));
    const dataStart = offset + 30 + nameLength + extraLength;
    // With a data descriptor (bit 3) the size is only known after the data, so the next header
    // is searched for; a false match inside compressed data only adds a junk name.
    offset = (flags & 0x08) === 0 ? dataStart + compressedSize : nextLocalHeader(data, dataStart);
  }
  return names;
}

function nextLocalHeader(data: DataView, from: number): number {
  for (let at = from; at + 4 <= data.byteLength; at++) {
    if (data.getUint32(at, true) === LOCAL_HEADER) return at;
  }
  return data.byteLength;
}

function decodeName(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}
