/** The last path segment of `fileName` (callers may pass a relative path). */
function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).pop() ?? fileName;
}

/** The lower-case extension without its dot (`"md"`), or `''` when there is none. */
export function fileExtension(fileName: string): string {
  const base = baseName(fileName);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The file name without folders and extension: the title of last resort. */
export function fileStem(fileName: string): string {
  const base = baseName(fileName);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem.trim() || fileName;
}
