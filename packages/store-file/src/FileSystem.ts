/**
 * The file-system seam of the file store. Every file-system call the store
 * makes (journal, snapshots, lock) goes through a {@link FileSystem}, so
 * tests can replace it: {@link withFaults} fails the *n*-th call with `EIO`,
 * `ENOSPC` or `EACCES`, once or persistently, in the manner of SQLite's
 * I/O-error VFS.
 *
 * The surface is small on purpose: positional reads and writes on a handle,
 * `datasync`, `truncate`, atomic `rename` and `link`, `unlink`, `mkdir`,
 * `readdir` and a directory fsync.
 *
 * @since 0.1.0
 */
import { constants } from "node:fs"
import * as fs from "node:fs/promises"

/**
 * An open file. Positions are explicit: the store never mixes `O_APPEND`
 * with positional writes.
 *
 * @category models
 * @since 0.1.0
 */
export interface FileHandle {
  /** Reads up to `length` bytes at `position` into `buffer[offset…]`; returns the bytes read (0 at end of file). */
  readonly read: (buffer: Uint8Array, offset: number, length: number, position: number) => Promise<number>
  /** Writes up to `length` bytes of `buffer[offset…]` at `position`; returns the bytes written (may be fewer). */
  readonly write: (buffer: Uint8Array, offset: number, length: number, position: number) => Promise<number>
  /** `fdatasync(2)`: the data written so far, and the size, reach stable storage. */
  readonly datasync: () => Promise<void>
  /** `ftruncate(2)`. */
  readonly truncate: (length: number) => Promise<void>
  /** The file's current size (`fstat(2)`). */
  readonly size: () => Promise<number>
  /** Closes the handle (`close(2)`); the descriptor is released even when it reports an error. */
  readonly close: () => Promise<void>
}

/**
 * How to open a file: read-only, read-write (must exist), or created
 * exclusively (`O_CREAT | O_EXCL`, read-write; fails with `EEXIST`).
 *
 * @category models
 * @since 0.1.0
 */
export type OpenMode = "read" | "readWrite" | "createExclusive"

/**
 * Extra open options. `dsync` opens a writable file with `O_DSYNC`: each
 * `write` returns only once its bytes (and the size they imply) reached stable
 * storage, as if followed by `fdatasync(2)`, in one system call. Where the
 * platform has no `O_DSYNC` (Windows), {@link node} follows each write with a
 * `datasync` itself, so the promise holds everywhere.
 *
 * @category models
 * @since 0.1.0
 */
export interface OpenOptions {
  readonly dsync?: boolean | undefined
}

/**
 * The file-system calls the store makes.
 *
 * @category models
 * @since 0.1.0
 */
export interface FileSystem {
  /**
   * Opens a file; `"createExclusive"` creates it (owner read-write only in {@link node}) and fails with `EEXIST` when it exists.
   * With `options.dsync`, every write is durable when it returns ({@link OpenOptions}).
   */
  readonly open: (path: string, mode: OpenMode, options?: OpenOptions) => Promise<FileHandle>
  /** Reads a whole (small) file: the lock's owner record. */
  readonly readFile: (path: string) => Promise<Uint8Array>
  /** Atomic replace within one file system (`rename(2)`). */
  readonly rename: (from: string, to: string) => Promise<void>
  /** Atomic create-if-absent of a second name for a file (`link(2)`; fails with `EEXIST`). */
  readonly link: (existing: string, newPath: string) => Promise<void>
  /** Removes a name (`unlink(2)`); durable once the directory is synced. */
  readonly unlink: (path: string) => Promise<void>
  /** Creates the directory and its parents when missing (owner only in {@link node}). */
  readonly mkdir: (path: string) => Promise<void>
  /** The names in a directory (`.` and `..` excluded). */
  readonly readdir: (path: string) => Promise<ReadonlyArray<string>>
  /** Makes creations, renames and deletions in the directory durable (`fsync` on the directory). */
  readonly syncDirectory: (path: string) => Promise<void>
}

const TOLERATED_DIR_SYNC_ON_WIN32 = new Set(["EPERM", "EISDIR", "EINVAL", "ENOTSUP"])

const FLAGS: { readonly [M in OpenMode]: string } = { read: "r", readWrite: "r+", createExclusive: "wx+" }

/** Files the store creates hold cardholder data (or the lock): owner read-write only. */
const FILE_MODE = 0o600
/** The store directory: owner only. */
const DIRECTORY_MODE = 0o700

/** `O_DSYNC` flags of each mode (undefined where the platform lacks `O_DSYNC`). */
const DSYNC_FLAGS: { readonly [M in OpenMode]: number } | undefined = constants.O_DSYNC === undefined ? undefined : {
  read: constants.O_RDONLY | constants.O_DSYNC,
  readWrite: constants.O_RDWR | constants.O_DSYNC,
  createExclusive: constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_DSYNC
}

const wrap = (h: fs.FileHandle, syncEachWrite: boolean): FileHandle => ({
  read: async (buffer, offset, length, position) => (await h.read(buffer, offset, length, position)).bytesRead,
  write: async (buffer, offset, length, position) => {
    const n = (await h.write(buffer, offset, length, position)).bytesWritten
    if (syncEachWrite) await h.datasync()
    return n
  },
  datasync: () => h.datasync(),
  truncate: (length) => h.truncate(length),
  size: async () => (await h.stat()).size,
  close: () => h.close()
})

/**
 * The real file system (`node:fs/promises`). Files it creates get mode `0600`
 * and directories `0700` (cardholder data at rest: owner only; the umask can
 * only narrow them further). On win32 a directory fsync that
 * fails with `EPERM`, `EISDIR`, `EINVAL` or `ENOTSUP` is tolerated (Windows
 * cannot fsync a directory; rename durability is weaker there). Everywhere
 * else every error surfaces.
 *
 * @category layers
 * @since 0.1.0
 */
export const node: FileSystem = {
  open: async (path, mode, options) => {
    const dsync = options?.dsync === true
    const flags = dsync && DSYNC_FLAGS !== undefined ? DSYNC_FLAGS[mode] : FLAGS[mode]
    return wrap(await fs.open(path, flags, FILE_MODE), dsync && DSYNC_FLAGS === undefined)
  },
  readFile: (path) => fs.readFile(path),
  rename: (from, to) => fs.rename(from, to),
  link: (existing, newPath) => fs.link(existing, newPath),
  unlink: (path) => fs.unlink(path),
  mkdir: async (path) => {
    await fs.mkdir(path, { recursive: true, mode: DIRECTORY_MODE })
  },
  readdir: (path) => fs.readdir(path),
  syncDirectory: async (path) => {
    let h: fs.FileHandle | undefined
    try {
      h = await fs.open(path, "r")
      await h.sync()
    } catch (e) {
      const code = (e as { code?: unknown }).code
      if (!(process.platform === "win32" && typeof code === "string" && TOLERATED_DIR_SYNC_ON_WIN32.has(code))) throw e
    } finally {
      await h?.close()
    }
  }
}

/**
 * The error codes {@link withFaults} injects.
 *
 * @category models
 * @since 0.1.0
 */
export type FaultCode = "EIO" | "ENOSPC" | "EACCES"

/**
 * A fault plan: fail the `at`-th call counted after arming (1-based) with
 * `code`; when `persistent`, every later call fails too.
 *
 * @category models
 * @since 0.1.0
 */
export interface FaultPlan {
  readonly at: number
  readonly code: FaultCode
  readonly persistent: boolean
}

/**
 * A fault-injecting wrapper and its controls.
 *
 * @category models
 * @since 0.1.0
 */
export interface Faulty {
  readonly fileSystem: FileSystem
  /** Starts counting calls from zero with a plan. */
  readonly arm: (plan: FaultPlan) => void
  /** Stops injecting; calls pass through. */
  readonly disarm: () => void
  /** The calls counted since the last `arm`, by name (`write`, `datasync`, `rename`, …). */
  readonly calls: () => ReadonlyArray<string>
  /** The names of the calls that were failed since the last `arm`. */
  readonly injected: () => ReadonlyArray<string>
}

const ERRNO: { readonly [C in FaultCode]: number } = { EIO: -5, ENOSPC: -28, EACCES: -13 }

/**
 * Wraps a file system so the *n*-th call (every method of the file system and
 * of the handles it opens counts) fails with an injected error, once or from
 * then on. Disarmed until {@link Faulty.arm} is called.
 *
 * @category testing
 * @since 0.1.0
 */
export const withFaults = (base: FileSystem): Faulty => {
  let plan: FaultPlan | undefined
  let calls: Array<string> = []
  let injected: Array<string> = []
  const gate = (name: string): void => {
    if (plan === undefined) return
    calls.push(name)
    const n = calls.length
    if (n === plan.at || (plan.persistent && n > plan.at)) {
      injected.push(name)
      throw Object.assign(new Error(`${plan.code}: injected fault in ${name}`), {
        code: plan.code,
        errno: ERRNO[plan.code],
        syscall: name
      })
    }
  }
  const call = <A>(name: string, f: () => Promise<A>): Promise<A> => {
    try {
      gate(name)
    } catch (e) {
      return Promise.reject(e)
    }
    return f()
  }
  const wrapHandle = (h: FileHandle): FileHandle => ({
    read: (b, o, l, p) => call("read", () => h.read(b, o, l, p)),
    write: (b, o, l, p) => call("write", () => h.write(b, o, l, p)),
    datasync: () => call("datasync", () => h.datasync()),
    truncate: (length) => call("truncate", () => h.truncate(length)),
    size: () => call("size", () => h.size()),
    // close(2) releases the descriptor even when it reports an error: do the same.
    close: () => call("close", () => h.close()).catch(async (e) => {
      await h.close().catch(() => undefined)
      throw e
    })
  })
  const fileSystem: FileSystem = {
    open: (path, mode, options) => call("open", async () => wrapHandle(await base.open(path, mode, options))),
    readFile: (path) => call("readFile", () => base.readFile(path)),
    rename: (from, to) => call("rename", () => base.rename(from, to)),
    link: (existing, newPath) => call("link", () => base.link(existing, newPath)),
    unlink: (path) => call("unlink", () => base.unlink(path)),
    mkdir: (path) => call("mkdir", () => base.mkdir(path)),
    readdir: (path) => call("readdir", () => base.readdir(path)),
    syncDirectory: (path) => call("syncDirectory", () => base.syncDirectory(path))
  }
  return {
    fileSystem,
    arm: (p) => {
      plan = p
      calls = []
      injected = []
    },
    disarm: () => {
      plan = undefined
    },
    calls: () => calls,
    injected: () => injected
  }
}
