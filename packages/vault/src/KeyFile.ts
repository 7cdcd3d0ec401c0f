/**
 * Where the keyring keeps its keys: a versioned JSON file in the vault
 * directory (`keys.json`, format `tokenvault-keys`, version 1), and the
 * key-encrypting key (KEK) that may protect it.
 *
 * **Durability**
 *
 * The file is replaced atomically: written to a temporary file in the same
 * directory (created with mode 0600), fsynced, renamed over `keys.json`, then
 * the directory is fsynced. A crash leaves either the old file or the new one.
 * On POSIX systems a key file readable by group or others is refused.
 *
 * **Protection**
 *
 * With a KEK (`TOKENVAULT_KEK`: 32 bytes, base64url), every key in the file
 * (data keys, fingerprint key, JWE private keys) is stored AES-256-GCM
 * wrapped under a key derived from the KEK, bound to its slot, and the whole
 * document carries an HMAC, so keys cannot be swapped or their state edited
 * (PCI DSS 3.6.1, 3.7.7). The KEK itself is never written anywhere: keep it
 * apart from the vault directory (PCI DSS 3.6.1). Without a KEK the keys are
 * stored in plain base64url and anyone who can read the file can read the
 * card data: use that only for development and tests.
 *
 * @since 0.1.0
 */
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync
} from "node:fs"
import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { Redacted, Result, Schema } from "effect"

/**
 * The key file's name inside the vault directory.
 *
 * @category models
 * @since 0.1.0
 */
export const fileName = "keys.json"

/**
 * The `format` field of every key file.
 *
 * @category models
 * @since 0.1.0
 */
export const FORMAT = "tokenvault-keys" as const

/**
 * The format version this code writes and reads.
 *
 * @category models
 * @since 0.1.0
 */
export const VERSION = 1 as const

/**
 * The environment variable that holds the KEK (base64url of 32 bytes).
 *
 * @category models
 * @since 0.1.0
 */
export const KEK_ENV = "TOKENVAULT_KEK" as const

/**
 * The file is not a well-formed key file (bad JSON, missing or invalid
 * fields, failed document MAC, a wrapped key that does not unwrap).
 *
 * @category errors
 * @since 0.1.0
 */
export class Corrupt extends Schema.TaggedError<Corrupt>()("Corrupt", { detail: Schema.String }) {}

/**
 * The file was written by a newer format version.
 *
 * @category errors
 * @since 0.1.0
 */
export class UnsupportedVersion extends Schema.TaggedError<UnsupportedVersion>()("UnsupportedVersion", {
  version: Schema.String
}) {}

/**
 * The KEK given is not the one the file was written with (its key check
 * value differs).
 *
 * @category errors
 * @since 0.1.0
 */
export class WrongKek extends Schema.TaggedError<WrongKek>()("WrongKek", {}) {}

/**
 * The file is protected by a KEK and none was given.
 *
 * @category errors
 * @since 0.1.0
 */
export class KekRequired extends Schema.TaggedError<KekRequired>()("KekRequired", {}) {}

/**
 * The KEK given is not 32 bytes of base64url.
 *
 * @category errors
 * @since 0.1.0
 */
export class KekInvalid extends Schema.TaggedError<KekInvalid>()("KekInvalid", {}) {}

/**
 * The key file's permissions let users other than its owner read it.
 *
 * @category errors
 * @since 0.1.0
 */
export class Insecure extends Schema.TaggedError<Insecure>()("Insecure", { detail: Schema.String }) {}

/**
 * A file-system call failed (`detail` is the operation and the error code).
 *
 * @category errors
 * @since 0.1.0
 */
export class Io extends Schema.TaggedError<Io>()("Io", { detail: Schema.String }) {}

/**
 * The key file's one error, with a tagged `reason`. It never carries key
 * bytes.
 *
 * @category errors
 * @since 0.1.0
 */
export class KeyFileError extends Schema.TaggedError<KeyFileError>()("KeyFileError", {
  reason: Schema.Union([Corrupt, UnsupportedVersion, WrongKek, KekRequired, KekInvalid, Insecure, Io])
}) {}

/**
 * Where the key document lives. `read` gives `undefined` when there is none
 * yet; `write` replaces it atomically.
 *
 * @category models
 * @since 0.1.0
 */
export interface Storage {
  /** A description for status reports (a path, or `memory`). */
  readonly location: string
  /** The document, or `undefined` when there is none yet. */
  readonly read: () => Result.Result<string | undefined, KeyFileError>
  /** Replaces the document atomically. */
  readonly write: (text: string) => Result.Result<void, KeyFileError>
}

const io = (op: string, e: unknown): KeyFileError =>
  new KeyFileError({ reason: new Io({ detail: `${op}: ${(e as NodeJS.ErrnoException | undefined)?.code ?? "error"}` }) })

const POSIX = process.platform !== "win32"
const MAX_FILE = 16 * 1024 * 1024

/** Temporary files of an interrupted write (they may hold key material). */
const STALE = new RegExp(`^\\.${fileName.replace(".", "\\.")}\\.\\d+\\.[0-9a-f]{12}\\.tmp$`)

const removeStale = (directory: string): void => {
  for (const name of readdirSync(directory)) {
    if (STALE.test(name)) {
      try {
        unlinkSync(join(directory, name))
      } catch {
        // best effort
      }
    }
  }
}

const fsyncDirectory = (directory: string): void => {
  let fd: number | undefined
  try {
    fd = openSync(directory, "r")
    fsyncSync(fd)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    // Windows cannot fsync a directory; rename durability is weaker there.
    if (POSIX || !(code === "EPERM" || code === "EISDIR" || code === "EINVAL" || code === "ENOTSUP")) throw e
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * The key file `keys.json` in `directory` (created with mode 0700 when
 * missing). Writes go through a temporary file (mode 0600), fsync, rename
 * and a directory fsync; temporary files left by an interrupted write are
 * removed by the next one.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fileStorage = (directory: string): Storage => {
  const path = join(directory, fileName)
  return {
    location: path,
    read: () => {
      let fd: number
      try {
        fd = openSync(path, "r")
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return Result.succeed(undefined)
        return Result.fail(io("open", e))
      }
      try {
        const stat = fstatSync(fd)
        if (!stat.isFile()) return Result.fail(new KeyFileError({ reason: new Corrupt({ detail: "not a regular file" }) }))
        if (POSIX && (stat.mode & 0o077) !== 0) {
          return Result.fail(
            new KeyFileError({ reason: new Insecure({ detail: `mode ${(stat.mode & 0o777).toString(8)}; expected 600` }) })
          )
        }
        if (stat.size > MAX_FILE) return Result.fail(new KeyFileError({ reason: new Corrupt({ detail: "too large" }) }))
        return Result.succeed(readFileSync(fd, "utf8"))
      } catch (e) {
        return Result.fail(io("read", e))
      } finally {
        closeSync(fd)
      }
    },
    write: (text) => {
      const tmp = join(directory, `.${fileName}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`)
      let fd: number | undefined
      let step = "mkdir"
      try {
        mkdirSync(directory, { recursive: true, mode: 0o700 })
        step = "readdir"
        removeStale(directory)
        step = "open"
        fd = openSync(tmp, "wx", 0o600)
        if (POSIX) fchmodSync(fd, 0o600)
        step = "write"
        const bytes = Buffer.from(text, "utf8")
        let offset = 0
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset)
        step = "fsync"
        fsyncSync(fd)
        closeSync(fd)
        fd = undefined
        step = "rename"
        renameSync(tmp, path)
        step = "fsync-dir"
        fsyncDirectory(directory)
        return Result.succeed(undefined)
      } catch (e) {
        if (fd !== undefined) {
          try {
            closeSync(fd)
          } catch {
            // already failing
          }
        }
        if (step !== "fsync-dir") {
          try {
            unlinkSync(tmp)
          } catch {
            // nothing to clean up
          }
        }
        return Result.fail(io(step, e))
      }
    }
  }
}

/**
 * A key document kept in memory: for tests (a "crash" is dropping the
 * keyring and opening a new one on the same storage) and benchmarks.
 *
 * @category testing
 * @since 0.1.0
 */
export interface MemoryStorage extends Storage {
  /** The last document written (key bytes included: tests only). */
  readonly snapshot: () => string | undefined
  /** Makes the next `n`-th write fail (1 = the next one), for fault injection. */
  readonly failWrite: (n: number) => void
  /** How many writes succeeded. */
  readonly writes: () => number
}

/**
 * A {@link MemoryStorage}, optionally starting from a document.
 *
 * @category testing
 * @since 0.1.0
 */
export const memoryStorage = (initial?: string): MemoryStorage => {
  let text = initial
  let failIn = 0
  let writes = 0
  return {
    location: "memory",
    read: () => Result.succeed(text),
    write: (next) => {
      if (failIn > 0 && --failIn === 0) return Result.fail(io("write", { code: "EIO" }))
      text = next
      writes++
      return Result.succeed(undefined)
    },
    snapshot: () => text,
    failWrite: (n) => {
      failIn = n
    },
    writes: () => writes
  }
}

/**
 * Decodes a KEK from its base64url text (exactly 32 bytes).
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeKek = (text: string): Result.Result<Redacted.Redacted<Uint8Array>, KeyFileError> => {
  const trimmed = text.trim()
  const bytes = /^[A-Za-z0-9_-]{43}$/.test(trimmed) ? Buffer.from(trimmed, "base64url") : undefined
  if (bytes === undefined || bytes.length !== 32 || bytes.toString("base64url") !== trimmed) {
    return Result.fail(new KeyFileError({ reason: new KekInvalid() }))
  }
  return Result.succeed(Redacted.make<Uint8Array>(bytes, { label: "KEK" }))
}

/**
 * Reads the KEK from `TOKENVAULT_KEK` in `env` (default `process.env`):
 * `undefined` when unset or empty, `KekInvalid` when it is not 32 bytes of
 * base64url.
 *
 * @category constructors
 * @since 0.1.0
 */
export const kekFromEnv = (
  env: Readonly<Record<string, string | undefined>> = process.env
): Result.Result<Redacted.Redacted<Uint8Array> | undefined, KeyFileError> => {
  const text = env[KEK_ENV]
  if (text === undefined || text.trim() === "") return Result.succeed(undefined)
  return decodeKek(text)
}

/**
 * A fresh random KEK as base64url text, for an operator to store in a secret
 * manager and pass as `TOKENVAULT_KEK`. Never log it.
 *
 * @category constructors
 * @since 0.1.0
 */
export const generateKek = (): Redacted.Redacted<string> => Redacted.make(randomBytes(32).toString("base64url"), { label: "KEK" })
