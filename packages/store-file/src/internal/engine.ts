/**
 * The file store's engine: the in-memory indexes (the memory store, whose
 * own record map is the only copy of the records, plus the groups, merchants'
 * frame sizes and bound keys), the group-commit queue, recovery and
 * compaction.
 *
 * **How a write goes**
 *
 * 1. In one synchronous step the operation is encoded, checked and applied to
 *    the indexes (the memory store's own checks: a refused operation changes
 *    nothing and writes nothing), given a ticket and queued.
 * 2. The committer takes up to `maxBatchOperations` queued operations and
 *    writes their frames with one positional write (`O_DSYNC` in the durable
 *    modes). It wakes the waiters whose tickets the write covers in a
 *    `setImmediate`, after it has gone on to the next group: a woken fiber
 *    runs on at once, so waking them first would keep the disk idle while
 *    the group's callers run (in `"batch"` mode the committer first waits
 *    `batchWindowMs`, so they run before the next write).
 * 3. Any answer, a read's included, is released only when every write it
 *    could have observed is durable: a reader never sees data a crash could
 *    take back. What a read could have observed: the writes of the records
 *    it returns (each record's entry keeps the ticket of its last write),
 *    every write that could have taken a record out of an answer (an update
 *    that changes an indexed field, a re-scoping membership change: the
 *    removal watermark), and for merchant and group reads every merchant,
 *    group and membership write. An insert only adds to answers, so a read
 *    that does not return an undurable insert's record need not wait for it:
 *    concurrent tokenizations do not queue behind each other's fsyncs.
 *
 * Because the indexes run ahead of the disk, a failed write or fsync cannot be
 * undone in memory: the store is poisoned and refuses everything until it is
 * reopened, which recovers from the journal (fsyncgate: a failed fsync is
 * never retried).
 *
 * @internal
 */
import type { TokenRecord } from "@tokenvault/core"
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import * as TokenStore from "@tokenvault/vault/TokenStore"
import { Cause, Effect, Exit, Option } from "effect"
import { randomBytes } from "node:crypto"
import * as path from "node:path"
import type * as FileSystem from "../FileSystem.ts"
import * as JournalFormat from "../JournalFormat.ts"
import * as Lock from "./lock.ts"
import * as Ops from "./ops.ts"
import { CodecError, Reader, Writer } from "./recordCodec.ts"

type StoreError = TokenStore.TokenStoreError

/** Resolved options. */
export interface Config {
  readonly durability: "fsync" | "batch" | "none"
  readonly groupCommit: boolean
  readonly batchWindowMs: number
  readonly maxBatchBytes: number
  readonly maxBatchOperations: number
  readonly maxPageSize: number
  readonly autoCompact: { readonly minDeadBytes: number; readonly deadRatio: number } | false
  readonly fs: FileSystem.FileSystem
  readonly isProcessAlive: (pid: number) => boolean
}

/** Figures of the last recovery. */
export interface Recovery {
  readonly frames: number
  readonly records: number
  readonly truncatedBytes: number
  readonly millis: number
  readonly recordsPerSecond: number
}

/** What `compact` did. */
export interface Compaction {
  readonly generation: number
  readonly bytesBefore: number
  readonly bytesAfter: number
  readonly records: number
  readonly millis: number
}

/** True when an update leaves every indexed field alone (it cannot take the record out of any query's answer). */
const sameIndexKeys = (a: TokenRecord.TokenRecord, b: TokenRecord.TokenRecord): boolean =>
  a.status === b.status && a.scope === b.scope && a.customerId === b.customerId && a.fingerprint === b.fingerprint &&
  a.retainUntil === b.retainUntil && a.merchantRequestId === b.merchantRequestId && a.merchantId === b.merchantId

interface Pending {
  readonly ticket: number
  readonly payloads: ReadonlyArray<Uint8Array>
}

interface Waiter {
  readonly ticket: number
  readonly resume: (effect: Effect.Effect<void, StoreError>) => void
}

const JOURNAL = /^journal-(\d{10})\.tvj$/
const JOURNAL_TMP = /^journal-\d{10}\.tvj\.tmp$/
const journalName = (generation: number): string => `journal-${String(generation).padStart(10, "0")}.tvj`

/** Operation bytes that fit one frame (the payload also holds the 8-byte sequence number). */
const MAX_OP = JournalFormat.maxPayloadBytes - 8
/** Target operation size of a snapshot frame (a frame is cut once it reaches it). */
const SNAPSHOT_FRAME = 256 * 1024
/** The largest encoded record operation: a snapshot frame of records then always fits a frame. */
const MAX_RECORD = MAX_OP - SNAPSHOT_FRAME
/** Recovery's read window beyond one frame. */
const WINDOW_STEP = 16 * 1024 * 1024
const FRAME_MAX = JournalFormat.frameHeaderBytes + JournalFormat.maxPayloadBytes
const WINDOW = WINDOW_STEP + FRAME_MAX

const codeOf = (e: unknown): string => {
  const c = (e as { code?: unknown } | null)?.code
  return typeof c === "string" ? c : "unknown"
}

/** An I/O failure with the step that failed; its message holds no data. */
class IoFailure {
  constructor(readonly step: string, readonly cause: unknown) {}
  get detail(): string {
    return `${this.step} failed (${codeOf(this.cause)})`
  }
}

const io = async <A>(step: string, f: () => Promise<A>): Promise<A> => {
  try {
    return await f()
  } catch (e) {
    throw new IoFailure(step, e)
  }
}

class CorruptFailure {
  constructor(readonly detail: string) {}
}

const frameSize = (operationBytes: number): number => JournalFormat.frameHeaderBytes + 8 + operationBytes

const TOO_LARGE = "entry too large for a journal frame"
const utf8 = (json: string): Buffer => Buffer.from(json, "utf8")

const writeAll = async (h: FileSystem.FileHandle, bytes: Uint8Array, position: number): Promise<void> => {
  let done = 0
  while (done < bytes.length) {
    const n = await h.write(bytes, done, bytes.length - done, position + done)
    if (n <= 0) throw Object.assign(new Error("short write"), { code: "EIO" })
    done += n
  }
}

const readFully = async (h: FileSystem.FileHandle, into: Uint8Array, length: number, position: number): Promise<number> => {
  let done = 0
  while (done < length) {
    const n = await h.read(into, done, length - done, position + done)
    if (n <= 0) break
    done += n
  }
  return done
}

/** Runs a memory-store effect (always synchronous) and returns its value or its error. */
const run = <A>(effect: Effect.Effect<A, StoreError>): A | StoreError => {
  const exit = Effect.runSyncExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  const error = Cause.findErrorOption(exit.cause)
  if (Option.isSome(error)) return error.value
  throw Cause.squash(exit.cause)
}

const isError = (u: unknown): u is StoreError => u instanceof TokenStore.TokenStoreError

/** Buffers frames and writes them in large positional writes. */
class FrameWriter {
  private buffer = Buffer.allocUnsafe(4 * 1024 * 1024)
  private used = 0
  constructor(private readonly h: FileSystem.FileHandle, public position: number, private readonly seed: number, public sequence: number) {}
  async add(bytes: Uint8Array): Promise<number> {
    const size = frameSize(bytes.length)
    if (this.used + size > this.buffer.length) await this.flush()
    if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(size)
    this.used = JournalFormat.writeFrame(this.buffer, this.used, this.seed, this.sequence++, bytes)
    return size
  }
  async flush(): Promise<void> {
    if (this.used === 0) return
    await writeAll(this.h, this.buffer.subarray(0, this.used), this.position)
    this.position += this.used
    this.used = 0
  }
}

/** Recovery's sliding read window over the journal. */
class Window {
  readonly buffer: Buffer
  start = 0
  end = 0
  constructor(private readonly h: FileSystem.FileHandle, readonly size: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(1, Math.min(WINDOW, size)))
  }
  /** Loads `[position, min(size, position + WINDOW))`. */
  async load(position: number): Promise<void> {
    const length = Math.min(WINDOW, this.size - position)
    const got = await io("read journal", () => readFully(this.h, this.buffer, length, position))
    this.start = position
    this.end = position + got
  }
  /** Makes sure a whole frame (or the rest of the file) at `position` is in the window. */
  async cover(position: number): Promise<void> {
    const want = Math.min(this.size, position + JournalFormat.frameHeaderBytes + JournalFormat.maxPayloadBytes)
    if (position < this.start || want > this.end) await this.load(position)
  }
}

/**
 * The engine. Build it with {@link Engine.open}; it holds the lock until
 * {@link Engine.close}.
 */
export class Engine {
  readonly index: TokenStore.Service
  /** The memory store's trusted bulk-load entry, for recovered inserts and snapshot records only. */
  private readonly restore: MemoryTokenStore.Restorable["restore"]
  /** The memory store's `insert` and `update` without an effect to run each: a live write's index step. */
  private readonly insertNow: MemoryTokenStore.Restorable["insertNow"]
  private readonly updateNow: MemoryTokenStore.Restorable["updateNow"]
  /**
   * The memory store's record map (tombstones included), read-only. The engine
   * keeps no copy of its own: at a million records a second map and an entry
   * object per record cost more than a third of a recovery.
   */
  private readonly records: MemoryTokenStore.Restorable["records"]
  /**
   * The ticket of the last write of each record whose last write is not yet
   * durable, in ticket order (pruned from the front as writes become
   * durable): a record not in it is durable.
   */
  private readonly undurable = new Map<string, number>()
  /** Encodes records for the write path (one at a time: `prepare` is synchronous). */
  private readonly writer = new Writer()
  private readonly groups = new Set<string>()
  private readonly merchantBytes = new Map<string, number>()
  /** Keys bound with `bindRequestId` (never removed), by merchant and request id, with the ticket of their write. */
  private readonly boundKeys = new Map<string, { readonly key: TokenStore.RequestKey; readonly ticket: number }>()
  /** The format version of the journal file being appended to. */
  private formatVersion = JournalFormat.version

  private handle!: FileSystem.FileHandle
  private file = ""
  private generation = 0
  private seed = 0
  private nextSequence = 1
  private writeOffset = 0
  private deadBytes = 0
  private autoCompactFloor = 0

  private appliedTicket = 0
  private durableTicket = 0
  /** The ticket the write being prepared will get (0 during recovery: replayed writes are durable). */
  private stamp = 0
  /** The last write that could have taken a record out of a query's answer. */
  private removalTicket = 0
  /** The last merchant, group or membership write. */
  private metaTicket = 0
  private queue: Array<Pending> = []
  private waiters: Array<Waiter> = []
  private compactRequests: Array<(result: Compaction | StoreError) => void> = []
  private idleListeners: Array<() => void> = []
  private driving = false
  private scheduled = false

  private state: "open" | "closing" | "closed" = "open"
  private closing: Promise<StoreError | undefined> | undefined
  private poisonedBy: string | undefined

  /** Durable modes open the journal with `O_DSYNC`: each group's one write is its durability point. */
  private readonly durable: boolean
  private commits = 0
  private committedOps = 0
  private compactions = 0
  private lastCompactionError: string | undefined
  recovery: Recovery = { frames: 0, records: 0, truncatedBytes: 0, millis: 0, recordsPerSecond: 0 }

  private constructor(readonly dir: string, readonly config: Config, private readonly owner: Lock.Owner) {
    const { insertNow, records, restore, store, updateNow } = MemoryTokenStore.makeRestorable({ maxPageSize: config.maxPageSize })
    this.index = store
    this.restore = restore
    this.insertNow = insertNow
    this.updateNow = updateNow
    this.records = records
    this.durable = config.durability !== "none"
  }

  // ---------------------------------------------------------------------------
  // Indexes: the same steps for live writes and for replay.
  // ---------------------------------------------------------------------------

  /** Notes that `token`'s last write is the one being prepared (nothing during recovery: replayed writes are durable). */
  private written(token: string): void {
    if (this.stamp === 0) return
    // Moved to the end: the map stays in ticket order, so `release` stops at the first entry still undurable.
    this.undurable.delete(token)
    this.undurable.set(token, this.stamp)
  }

  private applyInsert(record: TokenRecord.TokenRecord): StoreError | undefined {
    const out = this.insertNow(record)
    if (isError(out)) return out
    this.written(record.token)
    return undefined
  }

  /**
   * The journal bytes a superseded version takes, for dead-space accounting:
   * the size of its own insert or update frame (snapshot records take less,
   * sharing their frame's string table). Computed when it is superseded, so
   * no size is kept per record.
   */
  private versionBytes(record: TokenRecord.TokenRecord): number {
    try {
      return frameSize(Ops.recordSize(this.writer, record))
    } catch (e) {
      // Every stored version was encoded once; a version that no longer encodes counts as no bytes.
      if (e instanceof CodecError) return 0
      throw e
    }
  }

  private applyUpdate(next: TokenRecord.TokenRecord): StoreError | undefined {
    const old = this.records.get(next.token)
    const out = this.updateNow(next)
    if (isError(out)) return out
    if (old !== undefined) this.deadBytes += this.versionBytes(old)
    if (old === undefined || !sameIndexKeys(old, next)) this.removalTicket = Math.max(this.removalTicket, this.stamp)
    this.written(next.token)
    return undefined
  }

  private applyPutMerchant(merchant: Parameters<TokenStore.Service["putMerchant"]>[0], bytes: number): StoreError | undefined {
    const out = run(this.index.putMerchant(merchant))
    if (isError(out)) return out
    this.deadBytes += this.merchantBytes.get(merchant.merchantId) ?? 0
    this.merchantBytes.set(merchant.merchantId, bytes)
    this.metaTicket = Math.max(this.metaTicket, this.stamp)
    return undefined
  }

  private applyCreateGroup(groupId: string): StoreError | undefined {
    const out = run(this.index.createGroup(groupId))
    if (isError(out)) return out
    this.groups.add(groupId)
    this.metaTicket = Math.max(this.metaTicket, this.stamp)
    return undefined
  }

  private applyBind(key: TokenStore.RequestKey): StoreError | undefined {
    const out = run(this.index.bindRequestId(key))
    if (isError(out)) return out
    this.boundKeys.set(key.merchantId + "\u0000" + key.merchantRequestId, { key, ticket: this.stamp })
    return undefined
  }

  /**
   * The tokens a membership change re-scopes (as the memory store picks them:
   * tokens in `from` the owner owns now, tombstones too). A scan of every
   * record: membership changes are rare, and an owner index would cost every
   * insert and every recovered record a `Set` entry.
   */
  private movedBy(change: TokenStore.MembershipChange): Array<string> {
    const rescope = change.rescope
    if (rescope === undefined) return []
    const out: Array<string> = []
    for (const r of this.records.values()) {
      if (r.scope === rescope.from && r.merchantId === rescope.owner) out.push(r.token)
    }
    return out
  }

  /** Applies a membership change whose re-scoped tokens are `moved`; "divergence" when the index moved another number. */
  private applyMembership(change: TokenStore.MembershipChange, moved: ReadonlyArray<string>, bytes: number): number | StoreError | "divergence" {
    const out = run(this.index.changeMembership(change))
    if (isError(out)) return out
    if (out !== moved.length) return "divergence"
    this.metaTicket = Math.max(this.metaTicket, this.stamp)
    if (moved.length > 0) this.removalTicket = Math.max(this.removalTicket, this.stamp)
    for (const t of moved) {
      if (!this.records.has(t)) return "divergence"
      // The old frame still carries the record's data (the change only re-scopes it): not dead.
      this.written(t)
    }
    this.deadBytes += bytes
    return out
  }

  // ---------------------------------------------------------------------------
  // The commit path.
  // ---------------------------------------------------------------------------

  /** Why the store refuses to serve, if it does. */
  private refusal(): StoreError | undefined {
    if (this.state !== "open") return TokenStore.errors.unavailable("closed")
    if (this.poisonedBy !== undefined) return TokenStore.errors.unavailable("poisoned")
    return undefined
  }

  /** Waits until everything up to `ticket` is durable. */
  gate(ticket: number): Effect.Effect<void, StoreError> {
    if (this.durableTicket >= ticket) return Effect.void
    if (this.poisonedBy !== undefined) return Effect.fail(TokenStore.errors.unavailable("poisoned"))
    return Effect.callback<void, StoreError>((resume) => {
      if (this.durableTicket >= ticket) return resume(Effect.void)
      if (this.poisonedBy !== undefined) return resume(Effect.fail(TokenStore.errors.unavailable("poisoned")))
      let i = this.waiters.length
      while (i > 0 && this.waiters[i - 1]!.ticket > ticket) i--
      this.waiters.splice(i, 0, { ticket, resume })
    })
  }

  /** A read: runs on the indexes, answers once what it could have observed (`observed(answer)`, a ticket) is durable. */
  read<A>(effect: Effect.Effect<A, StoreError>, observed: (a: A) => number): Effect.Effect<A, StoreError> {
    return Effect.suspend(() => {
      const refused = this.refusal()
      if (refused !== undefined) return Effect.fail(refused)
      return Effect.flatMap(effect, (a) => Effect.as(this.gate(observed(a)), a))
    })
  }

  /**
   * A synchronous read (`TokenStore.Peek`): the index's `answer`, or `undefined` when the
   * store refuses or what the answer observed is not durable yet (the effectful read waits).
   */
  peek<A>(answer: A, observed: (a: A) => number): A | undefined {
    return this.refusal() === undefined && this.durableTicket >= observed(answer) ? answer : undefined
  }

  /** What a read of records that answered `records` could have observed. */
  readonly recordsObserved = (records: ReadonlyArray<TokenRecord.TokenRecord | undefined>): number => {
    let ticket = this.removalTicket
    for (const r of records) if (r !== undefined) ticket = Math.max(ticket, this.undurable.get(r.token) ?? 0)
    return ticket
  }

  /** What a read of one record (or none) could have observed. */
  readonly recordObserved = (record: TokenRecord.TokenRecord | undefined): number => this.recordsObserved([record])

  /** What a request-key read could have observed: the key's write (a binding, or its record's); keys are never removed. */
  readonly keyObserved = (key: TokenStore.RequestKey | undefined): number => {
    if (key === undefined) return 0
    const bound = this.boundKeys.get(key.merchantId + "\u0000" + key.merchantRequestId)
    return bound !== undefined ? bound.ticket : this.undurable.get(key.token) ?? 0
  }

  /** What a merchant or group read could have observed. */
  readonly metaObserved = (): number => this.metaTicket

  /**
   * A write: `prepare` checks and applies the operation to the indexes and
   * returns its payloads and result, synchronously (no other fiber can slip
   * in between the check and the queueing, so the journal's order is the
   * indexes' order).
   */
  write<A>(prepare: () => StoreError | { readonly payloads: ReadonlyArray<Uint8Array>; readonly value: A }): Effect.Effect<A, StoreError> {
    return Effect.suspend(() => {
      const refused = this.refusal()
      if (refused !== undefined) return Effect.fail(refused)
      this.stamp = this.appliedTicket + 1
      let out: ReturnType<typeof prepare>
      try {
        out = prepare()
      } finally {
        this.stamp = 0
      }
      if (isError(out)) return Effect.andThen(this.gate(this.appliedTicket), Effect.fail(out))
      const ticket = ++this.appliedTicket
      this.queue.push({ ticket, payloads: out.payloads })
      this.kick()
      return Effect.as(this.gate(ticket), out.value)
    })
  }

  private kick(): void {
    if (this.driving || this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      void this.drive()
    })
  }

  private autoCompactDue(): boolean {
    const a = this.config.autoCompact
    if (a === false || this.poisonedBy !== undefined || this.state !== "open") return false
    const body = this.writeOffset - JournalFormat.headerBytes
    return this.deadBytes >= a.minDeadBytes && this.deadBytes >= a.deadRatio * body && this.writeOffset >= this.autoCompactFloor
  }

  private async drive(): Promise<void> {
    if (this.driving) return
    this.driving = true
    try {
      for (;;) {
        if (this.poisonedBy !== undefined) break
        if (this.compactRequests.length > 0 || this.autoCompactDue()) {
          await this.runCompaction()
          continue
        }
        if (this.queue.length === 0) break
        if (this.config.durability === "batch" && this.config.batchWindowMs > 0) {
          await new Promise((resolve) => setTimeout(resolve, this.config.batchWindowMs))
        }
        await this.commitBatch()
      }
    } catch (e) {
      this.poison(`internal error (${codeOf(e)})`)
    } finally {
      this.driving = false
      for (const f of this.idleListeners.splice(0)) f()
    }
  }

  private takeBatch(): Array<Pending> {
    if (!this.config.groupCommit) return this.queue.splice(0, 1)
    let bytes = 0
    let n = 0
    while (n < this.queue.length && (n === 0 || (n < this.config.maxBatchOperations && bytes < this.config.maxBatchBytes))) {
      for (const p of this.queue[n]!.payloads) bytes += frameSize(p.length)
      n++
    }
    return this.queue.splice(0, n)
  }

  private async commitBatch(): Promise<void> {
    const batch = this.takeBatch()
    let total = 0
    for (const p of batch) for (const b of p.payloads) total += frameSize(b.length)
    // One buffer, one positional write and one fdatasync for the whole group.
    const out = Buffer.allocUnsafe(total)
    let at = 0
    let sequence = this.nextSequence
    for (const p of batch) for (const b of p.payloads) at = JournalFormat.writeFrame(out, at, this.seed, sequence++, b)
    try {
      // In a durable mode the journal is open with O_DSYNC: the write is the durability point.
      await io(this.durable ? "journal durable write" : "journal write", () => writeAll(this.handle, out, this.writeOffset))
    } catch (e) {
      this.poison(e instanceof IoFailure ? e.detail : "journal write failed")
      return
    }
    this.writeOffset += total
    this.nextSequence = sequence
    this.commits++
    this.committedOps += batch.length
    this.release(batch[batch.length - 1]!.ticket)
  }

  private release(ticket: number): void {
    if (ticket > this.durableTicket) this.durableTicket = ticket
    for (const [token, t] of this.undurable) {
      if (t > this.durableTicket) break
      this.undurable.delete(token)
    }
    let n = 0
    while (n < this.waiters.length && this.waiters[n]!.ticket <= this.durableTicket) n++
    if (n === 0) return
    // Woken, a fiber runs on at once, up to its next write: woken here, the callers of a whole group would run
    // before the committer takes the next group. Woken after it (the committer goes on in this microtask
    // chain), the next group's write is on the disk while they run.
    const woken = this.waiters.splice(0, n)
    setImmediate(() => {
      for (const w of woken) w.resume(Effect.void)
    })
  }

  /** Poisons the store: every waiter fails, every later call is refused until reopened. */
  poison(cause: string): void {
    if (this.poisonedBy !== undefined) return
    this.poisonedBy = cause
    const error = TokenStore.errors.unavailable(`poisoned: ${cause}`)
    this.queue = []
    for (const w of this.waiters.splice(0)) w.resume(Effect.fail(error))
    for (const r of this.compactRequests.splice(0)) r(error)
  }

  private whenIdle(): Promise<void> {
    if (!this.driving && !this.scheduled && this.queue.length === 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      this.idleListeners.push(() => resolve())
      this.kick()
    }).then(() => this.whenIdle())
  }

  // ---------------------------------------------------------------------------
  // Compaction: snapshot to a temp file, fsync, rename, fsync the directory,
  // then delete the old generation and fsync the directory again.
  // ---------------------------------------------------------------------------

  /** Asks the committer for a compaction and waits for it. */
  compact(): Effect.Effect<Compaction, StoreError> {
    return Effect.suspend(() => {
      const refused = this.refusal()
      if (refused !== undefined) return Effect.fail(refused)
      return Effect.callback<Compaction, StoreError>((resume) => {
        this.compactRequests.push((result) => resume(isError(result) ? Effect.fail(result) : Effect.succeed(result)))
        this.kick()
      })
    })
  }

  private async runCompaction(): Promise<void> {
    const requests = this.compactRequests.splice(0)
    const result = await this.compactOnce()
    if (isError(result)) {
      this.lastCompactionError = result.reason._tag === "Unavailable" ? result.reason.detail : result.reason._tag
      // Back off: retry automatically only after another minDeadBytes of journal.
      if (this.config.autoCompact !== false) this.autoCompactFloor = this.writeOffset + this.config.autoCompact.minDeadBytes
    }
    for (const r of requests) r(result)
  }

  private async compactOnce(): Promise<Compaction | StoreError> {
    const started = performance.now()
    const fs = this.config.fs
    const bytesBefore = this.writeOffset
    // A consistent cut at `covered`: records are immutable values, so copying references is a snapshot.
    const covered = this.appliedTicket
    const groups = Array.from(this.groups)
    const merchants = run(this.index.listMerchants())
    if (isError(merchants)) return merchants
    const records = Array.from(this.records.values())
    const keys = Array.from(this.boundKeys.values(), (e) => e.key)
    const requestIds = new Set<string>()
    for (const k of [...records, ...keys]) {
      if (k.merchantRequestId === undefined) continue
      const key = k.merchantId + "\u0000" + k.merchantRequestId
      if (requestIds.has(key)) return TokenStore.errors.unavailable("compaction: two records or keys share a merchantRequestId")
      requestIds.add(key)
    }

    const generation = this.generation + 1
    const final = path.join(this.dir, journalName(generation))
    const tmp = final + ".tmp"
    const journalId = randomBytes(16)
    const seed = JournalFormat.checksumSeed(journalId)
    let h: FileSystem.FileHandle | undefined
    let writer: FrameWriter
    // Phase 1: write the temp file. A failure here leaves the journal as it was.
    try {
      h = await io("compaction open", () => fs.open(tmp, "createExclusive"))
      const header = JournalFormat.encodeHeader({ flags: JournalFormat.flagSnapshot, generation, firstSequence: this.nextSequence, journalId })
      await io("compaction write", () => writeAll(h!, header, 0))
      writer = new FrameWriter(h, JournalFormat.headerBytes, seed, this.nextSequence)
      const w = writer
      await io("compaction write", async () => {
        for (const chunk of chunks(groups.map((g) => JSON.stringify(g)))) await w.add(utf8(Ops.snapshotGroups(chunk.map((j) => JSON.parse(j) as string))))
        for (let i = 0; i < merchants.length; i += 1000) await w.add(utf8(Ops.snapshotMerchants(merchants.slice(i, i + 1000))))
        const rw = new Writer()
        Ops.startRecords(rw)
        for (const r of records) {
          rw.record(r)
          if (rw.length >= SNAPSHOT_FRAME) {
            await w.add(rw.take())
            Ops.startRecords(rw)
          }
        }
        if (rw.length > 1) await w.add(rw.take())
        // After the records: a key binds to a token the snapshot already holds.
        for (let i = 0; i < keys.length; i += 1000) await w.add(utf8(Ops.snapshotKeys(keys.slice(i, i + 1000))))
        await w.add(utf8(Ops.snapshotEnd(groups.length, merchants.length, records.length, keys.length)))
        await w.flush()
      })
    } catch (e) {
      if (h !== undefined) await h.close().catch(() => undefined)
      await fs.unlink(tmp).catch(() => undefined)
      return TokenStore.errors.unavailable(`compaction: ${e instanceof IoFailure ? e.detail : "failed"}`)
    }
    // Phase 2: make it durable and switch. A failure from here on poisons.
    try {
      await io("compaction fdatasync", () => h!.datasync())
      await io("compaction rename", () => fs.rename(tmp, final))
      await io("compaction directory fsync", () => fs.syncDirectory(this.dir))
      // Appends to the new generation must be durable writes too (the snapshot itself was written without O_DSYNC, then synced).
      if (this.durable) {
        const synced = await io("compaction reopen", () => fs.open(final, "readWrite", { dsync: true }))
        await h.close().catch(() => undefined)
        h = synced
      }
    } catch (e) {
      await h.close().catch(() => undefined)
      this.poison(e instanceof IoFailure ? e.detail : "compaction failed")
      return TokenStore.errors.unavailable(`poisoned: ${this.poisonedBy}`)
    }
    const old = this.handle
    const oldFile = this.file
    this.handle = h
    this.file = final
    this.generation = generation
    this.formatVersion = JournalFormat.version
    this.seed = seed
    this.nextSequence = writer.sequence
    this.writeOffset = writer.position
    this.deadBytes = 0
    this.autoCompactFloor = 0
    // Every queued operation up to `covered` is in the snapshot, now durable.
    this.queue = this.queue.filter((p) => p.ticket > covered)
    this.release(covered)
    await old.close().catch(() => undefined)
    // Phase 3: delete the old generation (with its deleted records' data).
    try {
      await io("compaction unlink", () => fs.unlink(oldFile))
      await io("compaction directory fsync", () => fs.syncDirectory(this.dir))
    } catch (e) {
      this.poison(e instanceof IoFailure ? e.detail : "compaction failed")
      return TokenStore.errors.unavailable(`poisoned: ${this.poisonedBy}`)
    }
    this.compactions++
    this.lastCompactionError = undefined
    return {
      generation,
      bytesBefore,
      bytesAfter: this.writeOffset,
      records: records.length,
      millis: performance.now() - started
    }
  }

  // ---------------------------------------------------------------------------
  // Open, recovery, close.
  // ---------------------------------------------------------------------------

  /** Opens (and recovers) the store in `dir`. */
  static async open(dir: string, config: Config): Promise<Engine | StoreError> {
    const fs = config.fs
    try {
      await io("mkdir", () => fs.mkdir(dir))
      const lock = await io("lock", () => Lock.acquire(fs, dir, config.isProcessAlive))
      if (lock._tag === "Locked") return TokenStore.errors.locked()
      const engine = new Engine(dir, config, lock.owner)
      try {
        await engine.recover()
        // A version 2 journal cannot hold bound keys: rewrite it as the current version before any write.
        if (engine.formatVersion !== JournalFormat.version) {
          const upgraded = await engine.compactOnce()
          if (isError(upgraded)) throw new IoFailure(`format upgrade (${upgraded.reason._tag})`, upgraded)
        }
        return engine
      } catch (e) {
        await engine.handle?.close().catch(() => undefined)
        await Lock.release(fs, dir, lock.owner).catch(() => undefined)
        throw e
      }
    } catch (e) {
      if (e instanceof CorruptFailure) return TokenStore.errors.corrupt(e.detail)
      if (e instanceof IoFailure) return TokenStore.errors.unavailable(`open: ${e.detail}`)
      return TokenStore.errors.unavailable(`open failed (${codeOf(e)})`)
    }
  }

  private async recover(): Promise<void> {
    const fs = this.config.fs
    const names = await io("readdir", () => fs.readdir(this.dir))
    let removed = false
    for (const name of names) {
      if (JOURNAL_TMP.test(name) || Lock.isDeadLockTemp(name, this.config.isProcessAlive)) {
        await io("remove temp file", () => fs.unlink(path.join(this.dir, name)))
        removed = true
      }
    }
    const generations = names.flatMap((n) => {
      const m = JOURNAL.exec(n)
      return m === null ? [] : [Number(m[1])]
    }).sort((a, b) => a - b)
    if (generations.length === 0) {
      await this.createFirstJournal()
      generations.push(1)
      removed = false
    }
    const newest = generations[generations.length - 1]!
    this.file = path.join(this.dir, journalName(newest))
    this.handle = await io("open journal", () => fs.open(this.file, "readWrite", { dsync: this.durable }))
    await this.replay(newest)
    // The newest generation recovered: older ones are leftovers of a compaction cut short after its rename.
    for (const g of generations.slice(0, -1)) {
      await io("remove old journal", () => fs.unlink(path.join(this.dir, journalName(g))))
      removed = true
    }
    if (removed) await io("directory fsync", () => fs.syncDirectory(this.dir))
  }

  private async createFirstJournal(): Promise<void> {
    const fs = this.config.fs
    const final = path.join(this.dir, journalName(1))
    const tmp = final + ".tmp"
    const header = JournalFormat.encodeHeader({ flags: 0, generation: 1, firstSequence: 1, journalId: randomBytes(16) })
    const h = await io("create journal", () => fs.open(tmp, "createExclusive"))
    try {
      await io("create journal", () => writeAll(h, header, 0))
      await io("create journal fdatasync", () => h.datasync())
    } finally {
      await h.close().catch(() => undefined)
    }
    await io("create journal rename", () => fs.rename(tmp, final))
    await io("directory fsync", () => fs.syncDirectory(this.dir))
  }

  private async replay(generation: number): Promise<void> {
    const started = performance.now()
    const h = this.handle
    const size = await io("stat journal", () => h.size())
    if (size < JournalFormat.headerBytes) throw new CorruptFailure("journal shorter than its header")
    const headerBytes = new Uint8Array(JournalFormat.headerBytes)
    await io("read journal", () => readFully(h, headerBytes, JournalFormat.headerBytes, 0))
    const header = JournalFormat.decodeHeader(headerBytes)
    if (typeof header === "string") throw new CorruptFailure(header)
    if (header.generation !== generation) throw new CorruptFailure("header generation does not match the file name")
    const seed = JournalFormat.checksumSeed(header.journalId)
    const w = new Window(h, size)
    const reader = new Reader(w.buffer, 0, 0)
    let inSnapshot = (header.flags & JournalFormat.flagSnapshot) !== 0
    const snapshotCounts = { g: 0, m: 0, r: 0, k: 0 }
    const withKeys = header.version >= 3
    let expected = header.firstSequence
    let at = JournalFormat.headerBytes
    let frames = 0
    let recordsApplied = 0
    let pendingStart: number | undefined
    let pendingFrames = 0
    let pendingTokens: Array<string> = []
    let truncateTo: number | undefined

    const corrupt = (what: string): never => {
      throw new CorruptFailure(`entry ${expected} at offset ${at}: ${what}`)
    }
    const replayed = (e: StoreError | undefined): void => {
      if (e !== undefined) corrupt(`refused on replay (${e.reason._tag})`)
    }

    while (at < size) {
      if (at + FRAME_MAX > w.end && w.end < size) await w.cover(at)
      const f = JournalFormat.readFrame(w.buffer, at - w.start, w.end - w.start, seed)
      if (f._tag === "Bad") {
        if (await this.goodFrameAfter(w, at, seed)) corrupt(f.problem)
        if (!(await this.onlyTailDamage(w, at, f.problem))) corrupt(`${f.problem}, with data after it`)
        truncateTo = at
        break
      }
      if (f.sequence !== expected) corrupt(`sequence number ${f.sequence} (a gap or a duplicate)`)
      const frameBytes = f.end + w.start - at
      if (w.buffer[f.operationStart] !== Ops.JSON_OP) {
        // A binary record operation: insert, update, or a snapshot's records.
        const { op, records } = Ops.decodeRecords(w.buffer, f.operationStart, f.end, reader) ?? corrupt("not a valid operation")
        if (pendingStart !== undefined) corrupt("membership change interrupted")
        if (inSnapshot !== (op === Ops.RECORDS)) corrupt(inSnapshot ? "operation inside the snapshot" : "snapshot entry outside the snapshot")
        // A recovered insert (a journal insert or a snapshot record) passed the insert's constraints when it was
        // written: it goes through the memory store's bulk-load entry, without an effect or the checks.
        if (op === Ops.INSERT) replayed(this.restore(records[0]!))
        else if (op === Ops.UPDATE) replayed(this.applyUpdate(records[0]!))
        else {
          for (const r of records) replayed(this.restore(r))
          snapshotCounts.r += records.length
        }
        recordsApplied += records.length
        at += frameBytes
        expected++
        frames++
        continue
      }
      const op = Ops.decode(w.buffer.toString("utf8", f.operationStart, f.end)) ?? corrupt("not a valid operation")
      if (pendingStart !== undefined && op.o !== "mt" && op.o !== "m") corrupt("membership change interrupted")
      if (!withKeys && (op.o === "k" || op.o === "sk" || (op.o === "se" && op.k !== undefined))) corrupt("request key in a version 2 journal")
      if (inSnapshot !== (op.o === "sg" || op.o === "sm" || op.o === "sk" || op.o === "se")) {
        corrupt(inSnapshot ? "operation inside the snapshot" : "snapshot entry outside the snapshot")
      }
      switch (op.o) {
        case "pm":
          replayed(this.applyPutMerchant(Ops.merchantFromJson(op.m), frameBytes))
          break
        case "g":
          replayed(this.applyCreateGroup(op.g))
          break
        case "mt":
          if (pendingStart === undefined) {
            pendingStart = at
            pendingFrames = frames
          }
          for (const t of op.t) pendingTokens.push(t)
          break
        case "m": {
          for (const t of op.t) pendingTokens.push(t)
          if (pendingTokens.length !== op.n) corrupt("membership change lists the wrong number of tokens")
          const change = Ops.changeFromJson(op.c)
          const moved = this.movedBy(change)
          const listed = new Set(pendingTokens)
          if (listed.size !== moved.length || !moved.every((t) => listed.has(t))) corrupt("membership change does not match the state")
          const out = this.applyMembership(change, moved, frameBytes)
          if (out === "divergence") corrupt("membership change diverged")
          if (isError(out)) replayed(out)
          pendingStart = undefined
          pendingTokens = []
          break
        }
        case "k":
          replayed(this.applyBind(Ops.keyFromJson(op.k)))
          break
        case "sk":
          for (const k of op.k) replayed(this.applyBind(Ops.keyFromJson(k)))
          snapshotCounts.k += op.k.length
          break
        case "sg":
          for (const g of op.g) replayed(this.applyCreateGroup(g))
          snapshotCounts.g += op.g.length
          break
        case "sm":
          for (const m of op.m) {
            const { groupId, ...merchant } = m
            replayed(this.applyPutMerchant(Ops.merchantFromJson(merchant), Math.ceil(frameBytes / op.m.length)))
            if (groupId !== null) {
              const out = run(this.index.changeMembership({ merchantId: m.merchantId, groupId, rescope: undefined }))
              if (isError(out)) replayed(out)
            }
          }
          snapshotCounts.m += op.m.length
          break
        case "se":
          if (
            op.g !== snapshotCounts.g || op.m !== snapshotCounts.m || op.r !== snapshotCounts.r ||
            (withKeys && op.k !== snapshotCounts.k)
          ) corrupt("snapshot counts do not match")
          inSnapshot = false
          break
      }
      at += frameBytes
      expected++
      frames++
    }
    if (inSnapshot) throw new CorruptFailure("snapshot incomplete (a compacted file is never torn)")
    if (pendingStart !== undefined) {
      // An unfinished membership change at the tail: cut it away whole.
      truncateTo = pendingStart
      frames = pendingFrames
    }
    let truncatedBytes = 0
    if (truncateTo !== undefined && truncateTo < size) {
      const to = truncateTo
      await io("truncate torn tail", () => h.truncate(to))
      await io("truncate torn tail fdatasync", () => h.datasync())
      truncatedBytes = size - to
    }
    this.generation = generation
    this.formatVersion = header.version
    this.seed = seed
    this.nextSequence = header.firstSequence + frames
    this.writeOffset = truncateTo ?? size
    const millis = performance.now() - started
    this.recovery = {
      frames,
      records: recordsApplied,
      truncatedBytes,
      millis,
      recordsPerSecond: millis > 0 ? Math.round(recordsApplied / (millis / 1000)) : recordsApplied
    }
  }

  /**
   * After a bad frame at `at` with no good frame after it: is this what a
   * crash leaves (a frame cut by the end of the file, or a frame and the rest
   * of its batch lost to zeros)? Anything else (checksum-failing frames
   * followed by non-zero bytes) is damage, not a torn tail.
   */
  private async onlyTailDamage(w: Window, at: number, problem: string): Promise<boolean> {
    if (problem === "short header" || problem === "past end of file") return true
    let from = at
    if (problem === "checksum mismatch") {
      await w.cover(at)
      from = at + JournalFormat.frameHeaderBytes + w.buffer.readUInt32LE(at - w.start)
    }
    for (let p = from; p < w.size;) {
      await w.load(p)
      for (let i = 0; i < w.end - w.start; i++) if (w.buffer[i] !== 0) return false
      p = w.end
    }
    return true
  }

  /** After a bad frame at `at`: is there a good frame anywhere after it? (Then it is corruption, not a torn tail.) */
  private async goodFrameAfter(w: Window, at: number, seed: number): Promise<boolean> {
    let from = at
    for (;;) {
      await w.load(from)
      const last = w.end === w.size
      const limit = last ? w.end : w.start + WINDOW_STEP
      if (JournalFormat.goodFrameAfter(w.buffer, from - w.start, w.end - w.start, seed, limit - w.start)) return true
      if (last) return false
      from = limit - 1
    }
  }

  /** Flushes, closes the journal and releases the lock. Idempotent. */
  close(): Promise<StoreError | undefined> {
    if (this.closing !== undefined) return this.closing
    this.closing = (async () => {
      await this.whenIdle()
      this.state = "closing"
      await this.whenIdle()
      let error: StoreError | undefined
      if (this.poisonedBy === undefined && this.config.durability === "none") {
        await this.handle.datasync().catch((e) => {
          error = TokenStore.errors.unavailable(`close: fdatasync failed (${codeOf(e)})`)
        })
      }
      await this.handle.close().catch((e) => {
        error ??= TokenStore.errors.unavailable(`close: close failed (${codeOf(e)})`)
      })
      await Lock.release(this.config.fs, this.dir, this.owner).catch((e) => {
        error ??= TokenStore.errors.unavailable(`close: releasing the lock failed (${codeOf(e)})`)
      })
      this.state = "closed"
      run(this.index.close())
      return error
    })()
    return this.closing
  }

  /** Current figures. */
  stats() {
    let tombstones = 0
    for (const r of this.records.values()) if (r.status === "DELETED") tombstones++
    return {
      directory: this.dir,
      file: this.file,
      generation: this.generation,
      fileBytes: this.writeOffset,
      deadBytes: Math.min(this.deadBytes, Math.max(0, this.writeOffset - JournalFormat.headerBytes)),
      records: this.records.size,
      tombstones,
      merchants: this.merchantBytes.size,
      groups: this.groups.size,
      nextSequence: this.nextSequence,
      durability: this.config.durability,
      poisoned: this.poisonedBy,
      closed: this.state === "closed",
      commits: this.commits,
      committedOperations: this.committedOps,
      compactions: this.compactions,
      lastCompactionError: this.lastCompactionError,
      recovery: this.recovery
    }
  }

  // ---------------------------------------------------------------------------
  // The write operations' prepare steps.
  // ---------------------------------------------------------------------------

  prepareRecord(kind: "insert" | "update", record: TokenRecord.TokenRecord) {
    let payload: Buffer
    try {
      payload = Ops.record(this.writer, kind === "insert" ? Ops.INSERT : Ops.UPDATE, record)
    } catch (e) {
      this.writer.reset()
      if (e instanceof CodecError) return TokenStore.errors.unavailable("record not encodable")
      throw e
    }
    if (payload.length > MAX_RECORD) return TokenStore.errors.unavailable(TOO_LARGE)
    const e = kind === "insert" ? this.applyInsert(record) : this.applyUpdate(record)
    return e ?? { payloads: [payload], value: undefined }
  }

  preparePutMerchant(merchant: Parameters<TokenStore.Service["putMerchant"]>[0]) {
    const payload = utf8(Ops.putMerchant(merchant))
    if (payload.length > MAX_OP) return TokenStore.errors.unavailable(TOO_LARGE)
    return this.applyPutMerchant(merchant, frameSize(payload.length)) ?? { payloads: [payload], value: undefined }
  }

  prepareCreateGroup(groupId: string) {
    const payload = utf8(Ops.createGroup(groupId))
    if (payload.length > MAX_OP) return TokenStore.errors.unavailable(TOO_LARGE)
    return this.applyCreateGroup(groupId) ?? { payloads: [payload], value: undefined }
  }

  prepareBind(key: TokenStore.RequestKey) {
    const payload = utf8(Ops.bindKey(key))
    if (payload.length > MAX_OP) return TokenStore.errors.unavailable(TOO_LARGE)
    return this.applyBind(key) ?? { payloads: [payload], value: undefined }
  }

  prepareMembership(change: TokenStore.MembershipChange) {
    const moved = this.movedBy(change)
    const payloads = Ops.membership(change, moved, MAX_OP).map(utf8)
    for (const p of payloads) if (p.length > MAX_OP) return TokenStore.errors.unavailable(TOO_LARGE)
    const out = this.applyMembership(change, moved, payloads.reduce((n, p) => n + frameSize(p.length), 0))
    if (out === "divergence") {
      this.poison("index divergence")
      return TokenStore.errors.corrupt("index divergence on a membership change")
    }
    if (isError(out)) return out
    return { payloads, value: out }
  }
}

/** Splits JSON strings into groups of about one snapshot frame. */
const chunks = (jsons: ReadonlyArray<string>): Array<Array<string>> => {
  const out: Array<Array<string>> = []
  let cur: Array<string> = []
  let size = 0
  for (const j of jsons) {
    if (size + j.length > SNAPSHOT_FRAME && cur.length > 0) {
      out.push(cur)
      cur = []
      size = 0
    }
    cur.push(j)
    size += j.length + 1
  }
  if (cur.length > 0) out.push(cur)
  return out
}
