const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_EXTRA = 0x0001;
/** A 16- or 32-bit field holding its maximum means "see the ZIP64 record". */
const ZIP64_16 = 0xffff;
const ZIP64_32 = 0xffffffff;

/** One entry of a ZIP archive as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else is not read. */
  method: number;
  flags: number;
  compressedSize: number;
  /** What the directory claims: never trusted for anything but a quick refusal. */
  claimedSize: number;
  localHeaderOffset: number;
}

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
  return zipDirectory(bytes)?.map((entry) => entry.name) ?? localHeaderNames(bytes);
}

/**
 * The entries of a ZIP archive's central directory (ZIP64 included), or `undefined` when it has
 * none that can be read: the archive was cut short, or is not one.
 */
export function zipDirectory(bytes: Uint8Array): ZipEntry[] | undefined {
  const data = view(bytes);
  // The end record is 22 bytes plus a comment of up to 64 KiB, so it is searched for backwards.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (data.getUint32(at, true) !== END_OF_CENTRAL_DIRECTORY) continue;
    let count = data.getUint16(at + 10, true);
    let offset = data.getUint32(at + 16, true);
    if (count === ZIP64_16 || offset === ZIP64_32) {
      const zip64 = zip64End(data, at);
      if (!zip64) return undefined;
      ({ count, offset } = zip64);
    }
    const entries: ZipEntry[] = [];
    for (let i = 0; i < count; i++) {
      const entry = centralEntry(bytes, data, offset);
      if (!entry) return undefined;
      entries.push(entry.entry);
      offset = entry.next;
    }
    return entries;
  }
  return undefined;
}

/**
 * Where the data of `entry` starts: after its local header, whose name and extra field may
 * differ in length from the central directory's. `undefined` when there is no local header.
 */
export function zipEntryDataOffset(bytes: Uint8Array, entry: ZipEntry): number | undefined {
  const at = entry.localHeaderOffset;
  const data = view(bytes);
  if (at + 30 > bytes.length || data.getUint32(at, true) !== LOCAL_HEADER) return undefined;
  return at + 30 + data.getUint16(at + 26, true) + data.getUint16(at + 28, true);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The entry count and directory offset of the ZIP64 end record that `end` points to. */
function zip64End(data: DataView, end: number): { count: number; offset: number } | undefined {
  const locator = end - 20;
  if (locator < 0 || data.getUint32(locator, true) !== ZIP64_END_LOCATOR) return undefined;
  const record = Number(data.getBigUint64(locator + 8, true));
  if (record + 56 > data.byteLength) return undefined;
  if (data.getUint32(record, true) !== ZIP64_END_OF_CENTRAL_DIRECTORY) return undefined;
  return {
    count: Number(data.getBigUint64(record + 32, true)),
    offset: Number(data.getBigUint64(record + 48, true)),
  };
}

function centralEntry(
  bytes: Uint8Array,
  data: DataView,
  at: number,
): { entry: ZipEntry; next: number } | undefined {
  if (at + 46 > bytes.length || data.getUint32(at, true) !== CENTRAL_HEADER) return undefined;
  const nameLength = data.getUint16(at + 28, true);
  const extraLength = data.getUint16(at + 30, true);
  const commentLength = data.getUint16(at + 32, true);
  const next = at + 46 + nameLength + extraLength + commentLength;
  if (next > bytes.length) return undefined;
  const sizes = {
    claimedSize: data.getUint32(at + 24, true),
    compressedSize: data.getUint32(at + 20, true),
    localHeaderOffset: data.getUint32(at + 42, true),
  };
  const extra = bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
  readZip64Sizes(sizes, view(extra));
  const entry: ZipEntry = {
    name: decodeName(bytes.subarray(at + 46, at + 46 + nameLength)),
    method: data.getUint16(at + 10, true),
    flags: data.getUint16(at + 8, true),
    ...sizes,
  };
  return { entry, next };
}

/**
 * Replaces the fields that hold 0xFFFFFFFF with their 64-bit values from the ZIP64 extra field,
 * which lists only those, in this order.
 */
function readZip64Sizes(
  sizes: { claimedSize: number; compressedSize: number; localHeaderOffset: number },
  extra: DataView,
): void {
  const wanted = (['claimedSize', 'compressedSize', 'localHeaderOffset'] as const).filter(
    (field) => sizes[field] === ZIP64_32,
  );
  if (wanted.length === 0) return;
  for (let at = 0; at + 4 <= extra.byteLength;) {
    const id = extra.getUint16(at, true);
    const size = extra.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA) {
      wanted.forEach((field, i) => {
        const from = at + 4 + i * 8;
        if (from + 8 <= at + 4 + size && from + 8 <= extra.byteLength) {
          sizes[field] = Number(extra.getBigUint64(from, true));
        }
      });
      return;
    }
    at += 4 + size;
  }
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
