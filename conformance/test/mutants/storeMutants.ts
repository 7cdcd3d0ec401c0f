/**
 * Broken stores: each wraps the memory store (or the durable test fixture)
 * and breaks one obligation of the `TokenStore` port.
 */
import type { TokenRecord } from "@tokenvault/core"
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Effect } from "effect"
import * as DurableMemoryStore from "../fixtures/DurableMemoryStore.ts"
import type { State } from "../fixtures/StoreState.ts"
import { type Mutant, rewritable } from "./support.ts"

const store = (name: string, breaks: string, rules: ReadonlyArray<string>, make: () => TokenStore.Service): Mutant => ({
  name,
  breaks,
  rules,
  target: { name, kind: "store", factory: async () => make() }
})

/** update() writes whatever version it is given: last writer wins. */
export const ignoresCompareAndSet = store(
  "ignores-compare-and-set",
  "update() ignores the expected version, so a stale writer overwrites a newer record",
  ["DELETE-IRREVERSIBLE", "STATUS-TRANSITIONS"],
  () =>
    rewritable((r) => ({
      update: (next) =>
        Effect.flatMap(r.current().get(next.token), (current) =>
          current === undefined ? r.current().update(next) : r.current().update({ ...next, version: current.version + 1 }))
    }))
)

/** `peek` answers the version first inserted: a cache of the synchronous reads that no update refreshes. */
export const stalePeek = store(
  "stale-peek",
  "peek.record() answers a record's first version, so a synchronous reader misses every update after the insert",
  ["DELETE-IRREVERSIBLE", "STATUS-TRANSITIONS"],
  () => {
    const inner = MemoryTokenStore.make()
    const first = new Map<string, TokenRecord.TokenRecord>()
    return {
      ...inner,
      insert: (record) => Effect.tap(inner.insert(record), () => Effect.sync(() => first.set(record.token, record))),
      peek: { record: (token) => first.get(token), merchant: (merchantId) => inner.peek?.merchant(merchantId) }
    }
  }
)

/** The check and the write of compare-and-set are two steps, with a yield between them. */
export const nonAtomicCompareAndSet = store(
  "non-atomic-compare-and-set",
  "update() checks the version, yields, then writes: two concurrent writers of one version both win",
  ["DELETE-IRREVERSIBLE", "STATUS-TRANSITIONS"],
  () =>
    rewritable((r) => ({
      update: (next) =>
        Effect.gen(function*() {
          const before = yield* r.current().get(next.token)
          if (before !== undefined && before.version !== next.version - 1) return yield* r.current().update(next)
          yield* Effect.yieldNow
          const now = yield* r.current().get(next.token)
          return yield* r.current().update(now === undefined ? next : { ...next, version: now.version + 1 })
        })
    }))
)

/** Deleting a token removes its record instead of keeping a tombstone. */
export const forgetsTombstone = store(
  "forgets-tombstone",
  "update() to DELETED drops the record, so the value is free again",
  ["DELETE-IRREVERSIBLE"],
  () =>
    rewritable((r) => ({
      update: (next) =>
        Effect.tap(r.current().update(next), () => (next.status === "DELETED" ? r.drop(next.token) : Effect.void))
    }))
)

/** Inserting over a tombstone replaces it. */
export const reissuesDeletedValue = store(
  "reissues-deleted-value",
  "insert() accepts the value of a deleted token and overwrites its tombstone",
  ["DELETE-IRREVERSIBLE"],
  () =>
    rewritable((r) => ({
      insert: (record: TokenRecord.TokenRecord) =>
        Effect.flatMap(r.current().get(record.token), (existing) =>
          existing?.status === "DELETED"
            ? Effect.flatMap(r.drop(record.token), () => r.current().insert(record))
            : r.current().insert(record))
    }))
)

/** Customer and fingerprint lookups search every scope. */
export const ignoresMerchantScope = store(
  "ignores-merchant-scope",
  "findByCustomer() and findByFingerprint() return matching records of every scope, not just the one asked for",
  ["GROUP-ACCESS", "DUPLICATE-CARD"],
  () =>
    rewritable((r) => {
      const everywhere = (find: (scope: never) => Effect.Effect<ReadonlyArray<TokenRecord.TokenRecord>, TokenStore.TokenStoreError>) =>
        Effect.map(Effect.forEach(r.knownScopes(), (s) => find(s as never)), (lists) => lists.flat())
      return {
        findByCustomer: (_scope, customerId) => everywhere((s) => r.current().findByCustomer(s, customerId)),
        findByFingerprint: (_scope, fingerprint) => everywhere((s) => r.current().findByFingerprint(s, fingerprint))
      }
    })
)

/** A failed re-scoping leaves the tokens it moved before the collision moved. */
export const partialRescope = store(
  "partial-rescope",
  "changeMembership() moves tokens one by one and stops at a collision, leaving the move half done",
  ["GROUP-MEMBERSHIP"],
  () =>
    rewritable((r) => ({
      changeMembership: (change) =>
        Effect.catch(r.current().changeMembership(change), (e) =>
          Effect.gen(function*() {
            const rescope = change.rescope
            if (e.reason._tag !== "Duplicate" || rescope === undefined) return yield* e
            for (const token of r.knownTokens()) {
              const rec = yield* r.current().get(token)
              if (rec === undefined || rec.merchantId !== rescope.owner || rec.scope !== rescope.from) continue
              const moved = yield* Effect.result(r.current().update({ ...rec, scope: rescope.to, version: rec.version + 1 }))
              if (moved._tag === "Failure") break
            }
            return yield* e
          }))
    }))
)

const durable = (
  name: string,
  breaks: string,
  rules: ReadonlyArray<string>,
  hooks: () => DurableMemoryStore.Hooks
): Mutant => ({
  name,
  breaks,
  rules,
  target: {
    name,
    kind: "store",
    factory: async () => DurableMemoryStore.make(hooks()),
    reopen: async (old) => DurableMemoryStore.reopen(old, hooks())
  }
})

/** The last acknowledged write never reaches the disk. */
export const dropsLastWrite = durable(
  "drops-last-write",
  "a durable store acknowledges the last write but loses it at close",
  ["DELETE-IRREVERSIBLE", "IDEMPOTENCY", "DUPLICATE-CARD", "RETENTION-PURGE", "GROUP-ACCESS", "GROUP-MEMBERSHIP", "MERCHANT-PREFIX"],
  () => {
    let last: { readonly token: string; readonly before: TokenRecord.TokenRecord | undefined } | undefined
    return {
      wrap: (s) => ({
        ...s,
        insert: (record) => Effect.tap(s.insert(record), () => Effect.sync(() => (last = { token: record.token, before: undefined }))),
        update: (next) =>
          Effect.flatMap(s.get(next.token), (before) => Effect.tap(s.update(next), () => Effect.sync(() => (last = { token: next.token, before }))))
      }),
      onClose: (state: State): State => {
        if (last === undefined) return state
        const kept = state.records.filter((r) => r.token !== last!.token)
        return { ...state, records: last.before === undefined ? kept : [...kept, last.before] }
      }
    }
  }
)

/** Request ids are not read back on reopen. */
export const losesIdempotencyOnReopen = durable(
  "loses-idempotency-on-reopen",
  "a durable store forgets every merchantRequestId when it reopens",
  ["IDEMPOTENCY"],
  () => ({
    onOpen: (state: State): State => ({
      ...state,
      records: state.records.map((r) => ({ ...r, merchantRequestId: undefined, requestDigest: undefined }))
    })
  })
)

/** Bound request keys are not read back on reopen (only the records' own keys are). */
export const forgetsBoundKeysOnReopen = durable(
  "forgets-bound-keys-on-reopen",
  "a durable store forgets every key bound with bindRequestId when it reopens",
  ["IDEMPOTENCY"],
  () => ({ onOpen: (state: State): State => ({ ...state, requestKeys: [] }) })
)

/** bindRequestId checks the pair, yields, then writes and reports success even when a racer took the pair meanwhile. */
export const nonAtomicBind = store(
  "non-atomic-bind",
  "bindRequestId() checks that the pair is free, yields, then writes without checking again: two racing binds both win",
  ["IDEMPOTENCY"],
  () =>
    rewritable((r) => ({
      bindRequestId: (key) =>
        Effect.gen(function*() {
          const taken = yield* r.current().getRequestKey(key.merchantId, key.merchantRequestId)
          if (taken !== undefined) return yield* r.current().bindRequestId(key)
          yield* Effect.yieldNow
          yield* Effect.catch(r.current().bindRequestId(key), (e) => (e.reason._tag === "Duplicate" ? Effect.void : Effect.fail(e)))
        })
    }))
)
