/**
 * A {@link TokenStore.TokenStore} on the local file system that loses nothing
 * it acknowledged: an append-only journal of CRC-32C-framed, sequence-numbered
 * operations, acknowledged only once durable (an `O_DSYNC` journal write, as good as `fdatasync`), with group commit,
 * snapshots by compaction, torn-tail recovery and a single-writer lock.
 *
 * **Guarantees** (durability `"fsync"` or `"batch"`)
 *
 * - An operation is acknowledged only once its frame is on stable storage;
 *   every answer (reads included) waits until everything it could have seen is
 *   durable.
 * - The state after reopening is the state of every acknowledged operation,
 *   plus possibly some unacknowledged ones, each wholly present or absent. A
 *   membership change and its re-scoping are one journal entry.
 * - Recovery is tail-tolerant and middle-strict: a torn final entry is cut
 *   away (`ftruncate` + `fdatasync`); damage anywhere before it fails the open
 *   with reason `Corrupt`, never silently skipped.
 * - After any failed write or fsync the store is poisoned: it refuses every
 *   call with reason `Unavailable` (detail `"poisoned"`) until reopened.
 * - One writer: a second opener, in this process or another, gets reason
 *   `Locked`.
 * - Compaction writes live state to a new file (temp file, fsync, rename,
 *   directory fsync), then deletes the old file: deleted records' ciphertexts,
 *   fingerprints and display data are gone from the directory. Tombstones keep
 *   the token value by design (deleted values are never reissued).
 *
 * The indexes are the memory store's, so queries, ordering, cursors and
 * uniqueness rules are the reference adapter's.
 *
 * @since 0.1.0
 */
import * as TokenStore from "@tokenvault/vault/TokenStore"
import { Effect, Layer } from "effect"
import * as FileSystem from "./FileSystem.ts"
import { type Config, Engine } from "./internal/engine.ts"
import { processAlive } from "./internal/lock.ts"

/**
 * When a write is acknowledged: after its own group's durable (`O_DSYNC`) write
 * (`"fsync"`), after a batched durable write that waits `batchWindowMs` to
 * gather more writers (`"batch"`), or after the `write` without one
 * (`"none"`: survives a process crash, not a power loss; `durable: false`).
 *
 * @category models
 * @since 0.1.0
 */
export type Durability = "fsync" | "batch" | "none"

/**
 * Automatic compaction: runs once the journal holds at least `minDeadBytes`
 * of superseded data and that is at least `deadRatio` of the journal.
 *
 * @category models
 * @since 0.1.0
 */
export interface AutoCompact {
  /** Default 64 MiB. */
  readonly minDeadBytes?: number | undefined
  /** Default 0.5. */
  readonly deadRatio?: number | undefined
}

/**
 * Options of {@link open}.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** Default `"fsync"`. */
  readonly durability?: Durability | undefined
  /** Write queued operations in groups, one write and one fsync a group (default `true`); `false` gives one fsync per operation. */
  readonly groupCommit?: boolean | undefined
  /** For `"batch"`: how long the committer waits to gather writers (default 2 ms). */
  readonly batchWindowMs?: number | undefined
  /** The most bytes one commit writes (default 8 MiB). */
  readonly maxBatchBytes?: number | undefined
  /**
   * The most operations one commit carries (default 32; below 1 counts as 1). With more concurrent writers than this, commits
   * alternate between groups: while one group's write is on the disk, the callers of the group before it
   * run on, so the vault's CPU work and the disk overlap instead of taking turns (docs/file-store.md). A
   * disk whose sync takes several milliseconds is better served by larger groups.
   */
  readonly maxBatchOperations?: number | undefined
  /** The largest page a query returns (default 1000). */
  readonly maxPageSize?: number | undefined
  /** Automatic compaction thresholds, or `false` to compact only by hand. */
  readonly autoCompact?: AutoCompact | false | undefined
  /** The file-system seam (default {@link FileSystem.node}). */
  readonly fileSystem?: FileSystem.FileSystem | undefined
  /** Whether a pid runs, for stale-lock detection (default `process.kill(pid, 0)`). */
  readonly isProcessAlive?: ((pid: number) => boolean) | undefined
}

/**
 * Figures of the recovery that opened the store.
 *
 * @category models
 * @since 0.1.0
 */
export interface RecoveryStats {
  /** Journal frames replayed. */
  readonly frames: number
  /** Records (inserts, updates, snapshot records) applied to the indexes. */
  readonly records: number
  /** Bytes of torn tail cut away. */
  readonly truncatedBytes: number
  /** Time to read, check and replay the journal. */
  readonly millis: number
  /** `records` per second of `millis` (wall clock). */
  readonly recordsPerSecond: number
}

/**
 * What a compaction did.
 *
 * @category models
 * @since 0.1.0
 */
export interface CompactionReport {
  /** The new file's generation. */
  readonly generation: number
  /** The journal's size before. */
  readonly bytesBefore: number
  /** The new file's size (the snapshot). */
  readonly bytesAfter: number
  /** Records (tombstones included) in the snapshot. */
  readonly records: number
  /** How long the compaction took. */
  readonly millis: number
}

/**
 * The store's current figures.
 *
 * @category models
 * @since 0.1.0
 */
export interface Stats {
  /** The store's directory. */
  readonly directory: string
  /** The current journal file. */
  readonly file: string
  /** The current journal's generation (one more per compaction). */
  readonly generation: number
  /** The journal's size in bytes. */
  readonly fileBytes: number
  /** Superseded bytes compaction would drop (an estimate). */
  readonly deadBytes: number
  /** Records, tombstones included. */
  readonly records: number
  /** Records that are tombstones. */
  readonly tombstones: number
  /** Merchants. */
  readonly merchants: number
  /** Groups. */
  readonly groups: number
  /** The sequence number the next journal frame gets. */
  readonly nextSequence: number
  /** The durability the store was opened with. */
  readonly durability: Durability
  /** Why the store is poisoned, if it is. */
  readonly poisoned: string | undefined
  /** Whether `close` completed. */
  readonly closed: boolean
  /** Write-and-fsync rounds. */
  readonly commits: number
  /** Operations those rounds committed (`committedOperations / commits` is the group-commit factor). */
  readonly committedOperations: number
  /** Compactions completed since open. */
  readonly compactions: number
  /** Why the last compaction failed, when it did (cleared by the next success). */
  readonly lastCompactionError: string | undefined
  /** The recovery that opened the store. */
  readonly recovery: RecoveryStats
}

/**
 * The file store: the port's operations plus compaction and figures.
 *
 * @category models
 * @since 0.1.0
 */
export interface FileTokenStore extends TokenStore.Service {
  /** Rewrites the journal as a snapshot of the live state and deletes the old file. */
  readonly compact: () => Effect.Effect<CompactionReport, TokenStore.TokenStoreError>
  /** The store's current figures (works on a closed or poisoned store too). */
  readonly stats: () => Effect.Effect<Stats>
}

const resolve = (options: Options | undefined): Config => {
  const durability = options?.durability ?? "fsync"
  const auto = options?.autoCompact
  return {
    durability,
    groupCommit: options?.groupCommit ?? true,
    batchWindowMs: options?.batchWindowMs ?? 2,
    maxBatchBytes: options?.maxBatchBytes ?? 8 * 1024 * 1024,
    maxBatchOperations: options?.maxBatchOperations ?? 32,
    maxPageSize: options?.maxPageSize ?? 1000,
    autoCompact: auto === false
      ? false
      : { minDeadBytes: auto?.minDeadBytes ?? 64 * 1024 * 1024, deadRatio: auto?.deadRatio ?? 0.5 },
    fs: options?.fileSystem ?? FileSystem.node,
    isProcessAlive: options?.isProcessAlive ?? processAlive
  }
}

const service = (engine: Engine): FileTokenStore => {
  const ix = engine.index
  // The index is a memory store, which always offers synchronous reads.
  const indexPeek = ix.peek!
  return {
    capabilities: {
      name: "file",
      durable: engine.config.durability !== "none",
      durability: engine.config.durability,
      maxPageSize: engine.config.maxPageSize,
      multiProcess: false
    },
    insert: (record) => engine.write(() => engine.prepareRecord("insert", record)),
    update: (next) => engine.write(() => engine.prepareRecord("update", next)),
    putMerchant: (merchant) => engine.write(() => engine.preparePutMerchant(merchant)),
    createGroup: (groupId) => engine.write(() => engine.prepareCreateGroup(groupId)),
    changeMembership: (change) => engine.write(() => engine.prepareMembership(change)),
    bindRequestId: (key) => engine.write(() => engine.prepareBind(key)),
    peek: {
      record: (token) => engine.peek(indexPeek.record(token), engine.recordObserved),
      merchant: (merchantId) => engine.peek(indexPeek.merchant(merchantId), engine.metaObserved)
    },
    get: (token) => engine.read(ix.get(token), engine.recordObserved),
    getByRequestId: (merchantId, merchantRequestId) => engine.read(ix.getByRequestId(merchantId, merchantRequestId), engine.recordObserved),
    getRequestKey: (merchantId, merchantRequestId) => engine.read(ix.getRequestKey(merchantId, merchantRequestId), engine.keyObserved),
    findByCustomer: (scope, customerId) => engine.read(ix.findByCustomer(scope, customerId), engine.recordsObserved),
    findByFingerprint: (scope, fingerprint) => engine.read(ix.findByFingerprint(scope, fingerprint), engine.recordsObserved),
    listByScope: (scope, page) => engine.read(ix.listByScope(scope, page), (p) => engine.recordsObserved(p.items)),
    dueForPurge: (onOrBefore, page) => engine.read(ix.dueForPurge(onOrBefore, page), (p) => engine.recordsObserved(p.items)),
    getMerchant: (merchantId) => engine.read(ix.getMerchant(merchantId), engine.metaObserved),
    listMerchants: () => engine.read(ix.listMerchants(), engine.metaObserved),
    hasGroup: (groupId) => engine.read(ix.hasGroup(groupId), engine.metaObserved),
    close: () =>
      Effect.flatMap(Effect.promise(() => engine.close()), (error) => error === undefined ? Effect.void : Effect.fail(error)),
    compact: () => engine.compact(),
    stats: () => Effect.sync(() => engine.stats())
  }
}

/**
 * Opens the store in `dir` (created when missing): takes the lock, removes
 * leftover temp files, recovers the journal (cutting a torn tail away) and
 * rebuilds the indexes. Fails with reason `Locked` when another writer holds
 * the directory, `Corrupt` when the journal fails an integrity check before
 * its tail, `Unavailable` on an I/O error.
 *
 * @category constructors
 * @since 0.1.0
 */
export const open = (dir: string, options?: Options): Effect.Effect<FileTokenStore, TokenStore.TokenStoreError> =>
  Effect.uninterruptible(
    Effect.flatMap(
      Effect.promise(() => Engine.open(dir, resolve(options))),
      (out) => out instanceof Engine ? Effect.succeed(service(out)) : Effect.fail(out)
    )
  )

/**
 * Compacts a store now (same as `store.compact()`).
 *
 * @category combinators
 * @since 0.1.0
 */
export const compact = (store: FileTokenStore): Effect.Effect<CompactionReport, TokenStore.TokenStoreError> => store.compact()

/**
 * A scoped layer: opens the store in `dir` when built and closes it (flush,
 * release the lock) when the scope closes.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (dir: string, options?: Options): Layer.Layer<TokenStore.TokenStore, TokenStore.TokenStoreError> =>
  Layer.effect(
    TokenStore.TokenStore,
    Effect.acquireRelease(open(dir, options), (store) => Effect.ignore(store.close()))
  )
