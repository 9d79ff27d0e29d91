// Reading one file of a model folder: a bounded regular file, or one line that names it (ModelFolderError).
// Every file a model folder holds is read through here (modelFolder.ts, wordList.ts, pooled.ts).
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";

export class ModelFolderError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

/** What is at a path, or one line saying why it cannot be read (not found, permission, not a file). */
export function statOf(path: string, what: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "EACCES" || code === "EPERM") throw new ModelFolderError(`${path}: permission denied (the ${what} cannot be read)`, path);
    if (code === "ENOTDIR") throw new ModelFolderError(`${path}: a part of this path is a file, not a folder`, path);
    throw new ModelFolderError(`${path}: cannot be read (${code ?? (e as Error).message})`, path);
  }
}

/**
 * A regular file's bytes, or one line naming the file: a folder, a FIFO or a device (a symlink to
 * /dev/zero) is not read at all, and no more than maxBytes are ever read, whatever the file's size says
 * (a file of /proc says 0 and has more). The file is opened without blocking and checked again once open.
 * `prefix`: a longer file is not refused; its first maxBytes bytes are read (lm-lens score --max-tokens).
 */
export function readRegularFile(path: string, maxBytes: number, opts: { prefix?: boolean } = {}): Buffer {
  const st = statOf(path, "file");
  if (!st) throw new ModelFolderError(`${path}: file not found`, path);
  if (st.isDirectory()) throw new ModelFolderError(`${path}: is a folder, not a file`, path);
  if (!st.isFile()) throw new ModelFolderError(`${path}: not a regular file (a pipe, socket or device is not read)`, path);
  if (st.size > maxBytes && !opts.prefix) throw new ModelFolderError(`${path}: ${st.size} bytes is too large for this file (at most ${maxBytes})`, path);
  const cannot = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    return new ModelFolderError(`${path}: ${code === "EACCES" || code === "EPERM" ? "permission denied" : `cannot be read (${code ?? (e as Error).message})`}`, path);
  };
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO put in the file's place since the check opens at once, and is refused below
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw cannot(e);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new ModelFolderError(`${path}: not a regular file (a pipe, socket or device is not read)`, path);
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      // the size the file says, in one read, and one byte more to see that it ends there
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size + 1 - size, 1 << 16), maxBytes + 1 - size));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw cannot(e);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      size += n;
      if (size > maxBytes && opts.prefix) return Buffer.concat(chunks, size).subarray(0, maxBytes);
      if (size > maxBytes) throw new ModelFolderError(`${path}: more than ${maxBytes} bytes is too large for this file`, path);
    }
    return Buffer.concat(chunks, size);
  } finally {
    closeSync(fd);
  }
}

