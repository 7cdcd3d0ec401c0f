/**
 * The single-writer lock: a `LOCK` file in the store's directory holding the
 * holder's pid, its process start time (`performance.timeOrigin`), its host
 * and a random nonce.
 *
 * - Taking it is an atomic create-if-absent: the content is written to a
 *   private temp file first, then `link(2)`ed to `LOCK` (fails with `EEXIST`
 *   when held). A `LOCK` file therefore never exists without its content.
 * - A lock is stale when its holder is gone: same host and a pid that no
 *   longer runs, or this process's pid with another start time (a restarted
 *   container reusing pid 1).
 * - Breaking a stale lock is serialized by a second lock, `LOCK.break`, so two
 *   openers that both saw the stale lock cannot both win: the breaker re-reads
 *   `LOCK` under `LOCK.break` and removes it only if it is still the stale one.
 *
 * @internal
 */
import { randomBytes } from "node:crypto"
import { hostname } from "node:os"
import * as path from "node:path"
import type { FileSystem } from "../FileSystem.ts"

/** The lock's content. */
export interface Owner {
  readonly pid: number
  readonly origin: number
  readonly host: string
  readonly nonce: string
}

/** The outcome of an attempt. */
export type Acquired = { readonly _tag: "Acquired"; readonly owner: Owner } | { readonly _tag: "Locked" }

export const LOCK = "LOCK"
const BREAK = "LOCK.break"

const codeOf = (e: unknown): string | undefined => {
  const c = (e as { code?: unknown } | null)?.code
  return typeof c === "string" ? c : undefined
}

const me = (): Owner => ({ pid: process.pid, origin: performance.timeOrigin, host: hostname(), nonce: randomBytes(16).toString("hex") })

const encode = (o: Owner): Uint8Array => new TextEncoder().encode(JSON.stringify(o) + "\n")

const parse = (bytes: Uint8Array): Owner | undefined => {
  try {
    const u = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Owner>
    return typeof u.pid === "number" && typeof u.origin === "number" && typeof u.host === "string" && typeof u.nonce === "string"
      ? u as Owner
      : undefined
  } catch {
    return undefined
  }
}

const read = async (fs: FileSystem, file: string): Promise<Owner | undefined | "absent"> => {
  try {
    return parse(await fs.readFile(file))
  } catch (e) {
    if (codeOf(e) === "ENOENT") return "absent"
    throw e
  }
}

/** True when the owner is certainly gone (its lock may be broken). */
export const isStale = (o: Owner, isAlive: (pid: number) => boolean): boolean => {
  if (o.host !== hostname()) return false
  if (o.pid === process.pid) return o.origin !== performance.timeOrigin
  return !isAlive(o.pid)
}

/** File systems without hard links (FAT, some network and FUSE file systems) answer `link` with one of these. */
const NO_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"])

const writeOwner = async (fs: FileSystem, file: string, owner: Owner): Promise<void> => {
  const h = await fs.open(file, "createExclusive")
  try {
    const bytes = encode(owner)
    let done = 0
    while (done < bytes.length) done += await h.write(bytes, done, bytes.length - done, done)
  } finally {
    await h.close()
  }
}

/**
 * Writes `owner` to a private temp file and links it to `name`; false when
 * `name` exists. Without hard links, falls back to `O_EXCL` on `name` itself
 * (then a reader may briefly see it empty, and treats that as held).
 */
const create = async (fs: FileSystem, dir: string, name: string, owner: Owner): Promise<boolean> => {
  const tmp = path.join(dir, `LOCK.${owner.pid}.${owner.nonce}.tmp`)
  await writeOwner(fs, tmp, owner)
  try {
    await fs.link(tmp, path.join(dir, name))
    return true
  } catch (e) {
    const code = codeOf(e)
    if (code === "EEXIST") return false
    if (code === undefined || !NO_LINKS.has(code)) throw e
  } finally {
    await fs.unlink(tmp).catch(() => undefined)
  }
  try {
    await writeOwner(fs, path.join(dir, name), owner)
    return true
  } catch (e) {
    if (codeOf(e) === "EEXIST") return false
    throw e
  }
}

const same = (a: Owner, b: Owner): boolean => a.pid === b.pid && a.origin === b.origin && a.host === b.host && a.nonce === b.nonce

/** Removes `name` if it still holds `owner`. */
const removeIf = async (fs: FileSystem, dir: string, name: string, owner: Owner): Promise<void> => {
  const current = await read(fs, path.join(dir, name))
  if (current !== "absent" && current !== undefined && same(current, owner)) await fs.unlink(path.join(dir, name))
}

/**
 * Takes the lock, breaking a stale one. Returns `Locked` when a live holder
 * (or an unreadable lock file, which is left for an operator) is in the way.
 */
export const acquire = async (fs: FileSystem, dir: string, isAlive: (pid: number) => boolean): Promise<Acquired> => {
  const owner = me()
  for (let attempt = 0; attempt < 4; attempt++) {
    if (await create(fs, dir, LOCK, owner)) return { _tag: "Acquired", owner }
    const holder = await read(fs, path.join(dir, LOCK))
    if (holder === "absent") continue
    if (holder === undefined || !isStale(holder, isAlive)) return { _tag: "Locked" }
    // Stale: break it under LOCK.break.
    if (!(await create(fs, dir, BREAK, owner))) {
      const breaker = await read(fs, path.join(dir, BREAK))
      if (breaker === "absent") continue
      if (breaker === undefined || !isStale(breaker, isAlive)) return { _tag: "Locked" }
      await removeIf(fs, dir, BREAK, breaker)
      continue
    }
    try {
      const again = await read(fs, path.join(dir, LOCK))
      if (again !== "absent" && again !== undefined && same(again, holder)) await fs.unlink(path.join(dir, LOCK))
    } finally {
      await removeIf(fs, dir, BREAK, owner)
    }
  }
  return { _tag: "Locked" }
}

/** Releases the lock if this owner still holds it. */
export const release = (fs: FileSystem, dir: string, owner: Owner): Promise<void> => removeIf(fs, dir, LOCK, owner)

/** Names of lock temp files left by dead processes (safe to delete). */
export const isDeadLockTemp = (name: string, isAlive: (pid: number) => boolean): boolean => {
  const m = /^LOCK\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)
  if (m === null) return false
  const pid = Number(m[1])
  return pid !== process.pid && !isAlive(pid)
}

/** The default liveness check: `process.kill(pid, 0)` (EPERM means alive, owned by another user). */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return codeOf(e) === "EPERM"
  }
}
