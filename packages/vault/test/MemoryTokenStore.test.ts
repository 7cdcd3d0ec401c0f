/**
 * The in-memory store: its uniqueness constraints, compare-and-set under
 * concurrent fibers, its indexes (checked against brute force over a plain
 * map after random operations), paging, the atomic membership change,
 * merchants, groups and `close`.
 */
import type { Group, IsoDate, TokenRecord } from "@tokenvault/core"
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import * as Buckets from "../src/internal/buckets.ts"
import { TokenLists } from "../src/internal/tokenLists.ts"
import * as MemoryTokenStore from "../src/MemoryTokenStore.ts"
import * as TokenStore from "../src/TokenStore.ts"
import { fc, fcParams, makeRecord } from "./helpers.ts"

type R = TokenRecord.TokenRecord

const run = <A>(e: Effect.Effect<A, TokenStore.TokenStoreError>): Promise<A> => Effect.runPromise(e)
const fail = async (e: Effect.Effect<unknown, TokenStore.TokenStoreError>): Promise<TokenStore.TokenStoreError["reason"]> => {
  const r = await Effect.runPromise(Effect.result(e))
  if (Result.isSuccess(r)) throw new Error("expected a store failure, got a success")
  expect(r.failure._tag).toBe("TokenStoreError")
  return r.failure.reason
}
const date = (s: string) => s as IsoDate.IsoDate
const tombstone = (r: R): R => ({
  ...r,
  status: "DELETED",
  deletion: { reason: "DEREGISTERED", on: date("2025-02-01") },
  sealed: undefined,
  fingerprint: undefined,
  maskedPan: "",
  brand: undefined,
  expiry: undefined,
  version: r.version + 1
})

/** All pages of a paged query. */
const allPages = async (
  query: (page: TokenStore.PageRequest) => Effect.Effect<TokenStore.Page<R>, TokenStore.TokenStoreError>,
  limit: number,
  maxPageSize: number
): Promise<ReadonlyArray<R>> => {
  const out: Array<R> = []
  let cursor: string | undefined
  let pages = 0
  do {
    const page = await run(query({ limit, cursor }))
    expect(page.items.length).toBeLessThanOrEqual(Math.max(1, Math.min(limit, maxPageSize)))
    out.push(...page.items)
    cursor = page.cursor
    if (++pages > 10_000) throw new Error("paging does not end")
  } while (cursor !== undefined)
  return out
}

describe("MemoryTokenStore request keys", () => {
  it("[IDEMPOTENCY][DELETE-IRREVERSIBLE] bindRequestId binds a free key to a token: taken pairs are Duplicate, absent tokens NotFound, and bindings hold against insert and deletion", async () => {
    const store = MemoryTokenStore.make()
    const bind = store.bindRequestId
    const keyOf = store.getRequestKey
    const a = makeRecord({ merchantRequestId: "req-1", requestDigest: "d1" })
    await run(store.insert(a))
    const own = { merchantId: "m1", merchantRequestId: "req-1", token: a.token, requestDigest: "d1" }
    expect(await run(keyOf("m1", "req-1"))).toEqual(own)
    expect(await run(keyOf("m1", "req-2"))).toBeUndefined()
    const bound = { merchantId: "m1", merchantRequestId: "req-2", token: a.token, requestDigest: "d2" }
    const other = { merchantId: "m2", merchantRequestId: "req-1", token: a.token, requestDigest: "d3" }
    await run(bind(bound))
    await run(bind(other))
    expect(await run(keyOf("m1", "req-2"))).toEqual(bound)
    expect(await run(keyOf("m2", "req-1"))).toEqual(other)
    expect(await run(keyOf("m1", "req-1"))).toEqual(own)
    // getByRequestId stays the record's own key.
    expect(await run(store.getByRequestId("m1", "req-2"))).toBeUndefined()
    expect((await run(store.getByRequestId("m1", "req-1")))?.token).toBe(a.token)
    for (const taken of [{ ...own, requestDigest: "x" }, { ...bound, requestDigest: "x" }, other]) {
      expect(await fail(bind(taken))).toMatchObject({ _tag: "Duplicate", constraint: "merchantRequestId" })
    }
    expect(await fail(bind({ ...bound, merchantRequestId: "req-9", token: "absent" }))).toMatchObject({ _tag: "NotFound" })
    expect(await fail(store.insert(makeRecord({ merchantRequestId: "req-2" })))).toMatchObject({ constraint: "merchantRequestId" })
    expect(await fail(store.insert(makeRecord({ merchantId: "m2", scope: "merchant:m2", merchantRequestId: "req-1" })))).toMatchObject({
      constraint: "merchantRequestId"
    })
    // Updates of the record leave its bindings alone; a tombstone keeps them.
    await run(store.update({ ...a, extended: true, version: 2 }))
    await run(store.update(tombstone({ ...a, version: 2 })))
    expect(await run(keyOf("m1", "req-2"))).toEqual(bound)
    expect(await run(keyOf("m1", "req-1"))).toEqual(own)
    await run(store.close())
    expect(await fail(keyOf("m1", "req-2"))).toMatchObject({ _tag: "Unavailable" })
    expect(await fail(bind({ ...bound, merchantRequestId: "req-3" }))).toMatchObject({ _tag: "Unavailable" })
  })

  it("[IDEMPOTENCY] an update that changes a record's merchant or request id registers its own key under the new pair; a changed request id frees the old one", async () => {
    const store = MemoryTokenStore.make()
    const a = makeRecord({ merchantId: "m2", scope: "merchant:m2", merchantRequestId: "req-1", requestDigest: "d1" })
    await run(store.insert(a))
    const moved = { ...a, merchantId: "m1", version: 2 }
    await run(store.update(moved))
    expect(await run(store.getByRequestId("m1", "req-1"))).toEqual(moved)
    expect(await run(store.getRequestKey("m1", "req-1"))).toEqual({ merchantId: "m1", merchantRequestId: "req-1", token: a.token, requestDigest: "d1" })
    const renamed = { ...moved, merchantRequestId: "req-2", version: 3 }
    await run(store.update(renamed))
    expect(await run(store.getByRequestId("m1", "req-2"))).toEqual(renamed)
    expect(await run(store.getByRequestId("m1", "req-1"))).toBeUndefined()
    await run(store.insert(makeRecord({ merchantRequestId: "req-1" })))
  })
})

describe("MemoryTokenStore constraints", () => {
  it("[DELETE-IRREVERSIBLE][IDEMPOTENCY][DUPLICATE-CARD] insert refuses a token value (tombstones too), a request id, a second ACTIVE card", async () => {
    const store = MemoryTokenStore.make()
    const a = makeRecord({ merchantRequestId: "req-1" })
    await run(store.insert(a))
    expect(await fail(store.insert({ ...a, fingerprint: "other" }))).toMatchObject({ _tag: "Duplicate", constraint: "token" })
    expect(await fail(store.insert(makeRecord({ merchantRequestId: "req-1", fingerprint: "x" })))).toMatchObject({
      _tag: "Duplicate",
      constraint: "merchantRequestId"
    })
    // The same request id under another merchant is another key.
    await run(store.insert(makeRecord({ merchantId: "m2", scope: "merchant:m2", merchantRequestId: "req-1" })))
    expect(await fail(store.insert(makeRecord({ fingerprint: a.fingerprint })))).toMatchObject({ _tag: "Duplicate", constraint: "activeFingerprint" })
    // Not a duplicate: another customer, no customer, another scope, or a new record that is not ACTIVE.
    await run(store.insert(makeRecord({ fingerprint: a.fingerprint, customerId: "c2" })))
    await run(store.insert(makeRecord({ fingerprint: a.fingerprint, customerId: undefined })))
    expect(await fail(store.insert(makeRecord({ fingerprint: a.fingerprint, customerId: undefined })))).toMatchObject({
      constraint: "activeFingerprint"
    })
    await run(store.insert(makeRecord({ fingerprint: a.fingerprint, scope: "group:g" })))
    await run(store.insert(makeRecord({ fingerprint: a.fingerprint, status: "SUSPENDED" })))
    // A tombstone keeps its value and its request id taken.
    await run(store.update(tombstone(a)))
    expect(await fail(store.insert(makeRecord({ token: a.token })))).toMatchObject({ constraint: "token" })
    expect(await fail(store.insert(makeRecord({ merchantRequestId: "req-1" })))).toMatchObject({ constraint: "merchantRequestId" })
    expect((await run(store.getByRequestId("m1", "req-1")))?.token).toBe(a.token)
    // ... but frees the card: a new ACTIVE record for it is accepted.
    await run(store.insert(makeRecord({ fingerprint: a.fingerprint })))
  })

  it("[STATUS-TRANSITIONS][DUPLICATE-CARD] update is compare-and-set: stale version Conflict, absent NotFound, a second ACTIVE card Duplicate", async () => {
    const store = MemoryTokenStore.make()
    const a = makeRecord({ status: "SUSPENDED", fingerprint: "fp" })
    const b = makeRecord({ fingerprint: "fp" })
    await run(store.insert(a))
    await run(store.insert(b))
    expect(await fail(store.update({ ...a, version: 1 }))).toMatchObject({ _tag: "Conflict" })
    expect(await fail(store.update({ ...a, version: 3 }))).toMatchObject({ _tag: "Conflict" })
    expect(await fail(store.update(makeRecord({ version: 2 })))).toMatchObject({ _tag: "NotFound" })
    expect(await fail(store.update({ ...a, status: "ACTIVE", version: 2 }))).toMatchObject({ _tag: "Duplicate", constraint: "activeFingerprint" })
    expect((await run(store.get(a.token)))?.version).toBe(1)
    await run(store.update({ ...a, extended: true, version: 2 }))
    expect(await run(store.get(a.token))).toMatchObject({ extended: true, version: 2, status: "SUSPENDED" })
    await run(store.update(tombstone(b)))
    await run(store.update({ ...a, status: "ACTIVE", version: 3 }))
    expect((await run(store.findByFingerprint("merchant:m1", "fp"))).map((r) => r.token)).toEqual([a.token])
  })

  it("[STATUS-TRANSITIONS] N fibers updating with the same expected version: exactly one wins, the rest get Conflict", async () => {
    const yielding = (e: Effect.Effect<void, TokenStore.TokenStoreError>) => Effect.andThen(Effect.yieldNow, e)
    for (const interleave of [false, true]) {
      const store = MemoryTokenStore.make()
      const base = makeRecord()
      await run(store.insert(base))
      const results = await Effect.runPromise(
        Effect.all(
          Array.from({ length: 50 }, (_, i) => {
            const write = store.update({ ...base, lastActivity: date(`2025-02-${String((i % 28) + 1).padStart(2, "0")}`), version: 2 })
            return Effect.result(interleave ? yielding(write) : write)
          }),
          { concurrency: "unbounded" }
        )
      )
      expect(results.filter(Result.isSuccess)).toHaveLength(1)
      for (const r of results.filter(Result.isFailure)) expect(r.failure.reason._tag).toBe("Conflict")
      expect((await run(store.get(base.token)))?.version).toBe(2)
    }
  })

  it("[DUPLICATE-CARD] concurrent inserts of one card for one customer and scope: exactly one is stored", async () => {
    const store = MemoryTokenStore.make()
    const results = await Effect.runPromise(
      Effect.all(
        Array.from({ length: 30 }, () => Effect.result(Effect.andThen(Effect.yieldNow, store.insert(makeRecord({ fingerprint: "same" }))))),
        { concurrency: "unbounded" }
      )
    )
    expect(results.filter(Result.isSuccess)).toHaveLength(1)
    for (const r of results.filter(Result.isFailure)) expect(r.failure.reason).toMatchObject({ _tag: "Duplicate", constraint: "activeFingerprint" })
    expect(await run(store.findByFingerprint("merchant:m1", "same"))).toHaveLength(1)
  })
})

describe("MemoryTokenStore indexes", () => {
  it("[GROUP-ACCESS] findByCustomer and findByFingerprint are per scope, ordered by token, and never return tombstones", async () => {
    const store = MemoryTokenStore.make()
    const r1 = makeRecord({ token: "t3", customerId: "c1", fingerprint: "f1" })
    const r2 = makeRecord({ token: "t1", customerId: "c1", fingerprint: "f2" })
    const r3 = makeRecord({ token: "t2", customerId: "c1", fingerprint: "f1", scope: "group:g" })
    const r4 = makeRecord({ token: "t4", customerId: "c2", fingerprint: "f1", status: "SUSPENDED" })
    for (const r of [r1, r2, r3, r4]) await run(store.insert(r))
    expect((await run(store.findByCustomer("merchant:m1", "c1"))).map((r) => r.token)).toEqual(["t1", "t3"])
    expect((await run(store.findByCustomer("group:g", "c1"))).map((r) => r.token)).toEqual(["t2"])
    expect((await run(store.findByFingerprint("merchant:m1", "f1"))).map((r) => r.token)).toEqual(["t3", "t4"])
    await run(store.update(tombstone(r1)))
    expect((await run(store.findByCustomer("merchant:m1", "c1"))).map((r) => r.token)).toEqual(["t1"])
    expect((await run(store.findByFingerprint("merchant:m1", "f1"))).map((r) => r.token)).toEqual(["t4"])
    expect(await run(store.findByCustomer("merchant:m9", "c1"))).toEqual([])
    expect((await run(store.get("t3")))?.status).toBe("DELETED")
  })

  it("[GROUP-ACCESS] listByScope pages are ordered, capped by maxPageSize, disjoint, complete, and resumable by cursor", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.string({ unit: fc.constantFrom(..."abcXYZ019"), minLength: 1, maxLength: 6 }), { maxLength: 40 }),
        fc.integer({ min: -2, max: 12 }),
        fc.integer({ min: 1, max: 7 }),
        async (tokens, limit, maxPageSize) => {
          const store = MemoryTokenStore.make({ maxPageSize })
          expect(TokenStore.validateCapabilities(store.capabilities)).toEqual([])
          for (const [i, t] of tokens.entries()) {
            await run(store.insert(makeRecord({ token: t, fingerprint: `f${i}`, scope: i % 3 === 0 ? "group:g" : "merchant:m1" })))
          }
          const expected = tokens.filter((_, i) => i % 3 !== 0).sort()
          const listed = await allPages((p) => store.listByScope("merchant:m1", p), limit, maxPageSize)
          expect(listed.map((r) => r.token)).toEqual(expected)
        }
      ),
      fcParams(150)
    )
  })

  it("[RETENTION-PURGE] dueForPurge pages by (date, token), stops at the date, skips tombstones and resumes after purges between pages", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.boolean()), { maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        async (specs, onOrBefore, limit, purgeAsWeGo) => {
          const store = MemoryTokenStore.make({ maxPageSize: 4 })
          const records: Array<R> = []
          for (const [i, [day, deleted]] of specs.entries()) {
            const r = makeRecord({ token: `tok${String(i).padStart(3, "0")}`, fingerprint: `f${i}`, retainUntil: date(`2026-01-0${day}`) })
            await run(store.insert(r))
            if (deleted) await run(store.update(tombstone(r)))
            else records.push(r)
          }
          const cutoff = date(`2026-01-0${onOrBefore}`)
          const expected = records
            .filter((r) => r.retainUntil <= cutoff)
            .sort((a, b) => (a.retainUntil === b.retainUntil ? (a.token < b.token ? -1 : 1) : a.retainUntil < b.retainUntil ? -1 : 1))
            .map((r) => r.token)
          const seen: Array<string> = []
          let cursor: string | undefined
          do {
            const page = await run(store.dueForPurge(cutoff, { limit, cursor }))
            expect(page.items.length).toBeLessThanOrEqual(Math.min(limit, 4))
            for (const r of page.items) {
              seen.push(r.token)
              if (purgeAsWeGo) await run(store.update(tombstone(r)))
            }
            cursor = page.cursor
          } while (cursor !== undefined)
          expect(seen).toEqual(expected)
          if (purgeAsWeGo) expect((await run(store.dueForPurge(cutoff, { limit: 100 }))).items).toEqual([])
        }
      ),
      fcParams(150)
    )
  })

  it("[DUPLICATE-CARD][RETENTION-PURGE][GROUP-ACCESS] random inserts and updates: every index query equals brute force over the records", async () => {
    const scopes: ReadonlyArray<Group.Scope> = ["merchant:m1", "merchant:m2", "group:g"]
    const customers = ["c1", "c2", undefined] as const
    const fps = ["f1", "f2", "f3"]
    const days = ["2026-01-01", "2026-01-02", "2026-01-03"]
    const recordArb = fc.record({
      token: fc.integer({ min: 0, max: 11 }).map((n) => `t${String(n).padStart(2, "0")}`),
      merchantId: fc.constantFrom("m1", "m2"),
      scope: fc.constantFrom(...scopes),
      customerId: fc.constantFrom(...customers),
      fingerprint: fc.constantFrom(...fps),
      status: fc.constantFrom("ACTIVE" as const, "SUSPENDED" as const),
      retainUntil: fc.constantFrom(...days),
      merchantRequestId: fc.constantFrom(undefined, "r1", "r2")
    })
    type Spec = typeof recordArb extends fc.Arbitrary<infer T> ? T : never
    type Op =
      | { readonly op: "insert"; readonly r: Spec }
      | { readonly op: "update"; readonly token: number; readonly stale: boolean; readonly change: "status" | "due" | "delete" | "scope" | "touch" }
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant("insert" as const), r: recordArb }),
      fc.record({
        op: fc.constant("update" as const),
        token: fc.integer({ min: 0, max: 11 }),
        stale: fc.boolean(),
        change: fc.constantFrom("status" as const, "due" as const, "delete" as const, "scope" as const, "touch" as const)
      })
    )
    const activeClash = (model: Map<string, R>, r: R): boolean =>
      r.status === "ACTIVE" && r.fingerprint !== undefined && [...model.values()].some((o) =>
        o.token !== r.token && o.status === "ACTIVE" && o.scope === r.scope && o.customerId === r.customerId && o.fingerprint === r.fingerprint
      )
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const store = MemoryTokenStore.make({ maxPageSize: 3 })
        const model = new Map<string, R>()
        for (const op of ops) {
          if (op.op === "insert") {
            const r = makeRecord({ ...op.r, scope: op.r.scope, retainUntil: date(op.r.retainUntil) })
            const out = await Effect.runPromise(Effect.result(store.insert(r)))
            const expected = model.has(r.token)
              ? "token"
              : r.merchantRequestId !== undefined &&
                  [...model.values()].some((o) => o.merchantId === r.merchantId && o.merchantRequestId === r.merchantRequestId)
              ? "merchantRequestId"
              : activeClash(model, r)
              ? "activeFingerprint"
              : undefined
            if (expected === undefined) {
              expect(Result.isSuccess(out)).toBe(true)
              model.set(r.token, r)
            } else {
              expect(Result.isFailure(out) && out.failure.reason).toMatchObject({ _tag: "Duplicate", constraint: expected })
            }
          } else {
            const token = `t${String(op.token).padStart(2, "0")}`
            const current = model.get(token)
            const base = current ?? makeRecord({ token })
            const next: R = op.change === "delete"
              ? tombstone(base)
              : op.change === "status"
              ? { ...base, status: base.status === "ACTIVE" ? "SUSPENDED" : "ACTIVE", version: base.version + 1 }
              : op.change === "due"
              ? { ...base, retainUntil: date(days[(days.indexOf(base.retainUntil) + 1) % days.length]!), version: base.version + 1 }
              : op.change === "touch" // no indexed field changes: the queries must still return the new record
              ? { ...base, lastActivity: date(`2026-02-${String(base.version % 28 + 1).padStart(2, "0")}`), version: base.version + 1 }
              : { ...base, scope: scopes[(scopes.indexOf(base.scope) + 1) % scopes.length]!, version: base.version + 1 }
            const written = op.stale ? { ...next, version: base.version } : next
            const out = await Effect.runPromise(Effect.result(store.update(written)))
            const expected = current === undefined ? "NotFound" : op.stale ? "Conflict" : activeClash(model, next) ? "Duplicate" : undefined
            if (expected === undefined) {
              expect(Result.isSuccess(out)).toBe(true)
              model.set(token, next)
            } else {
              expect(Result.isFailure(out) && out.failure.reason._tag).toBe(expected)
            }
          }
          // Every index query against brute force.
          const live = [...model.values()].filter((r) => r.status !== "DELETED").sort((a, b) => (a.token < b.token ? -1 : 1))
          for (const scope of scopes) {
            for (const c of ["c1", "c2"]) {
              expect(await run(store.findByCustomer(scope, c))).toEqual(live.filter((r) => r.scope === scope && r.customerId === c))
            }
            for (const f of fps) {
              expect(await run(store.findByFingerprint(scope, f))).toEqual(live.filter((r) => r.scope === scope && r.fingerprint === f))
            }
            expect((await allPages((p) => store.listByScope(scope, p), 2, 3)).map((r) => r.token)).toEqual(
              live.filter((r) => r.scope === scope).map((r) => r.token)
            )
          }
          for (const d of days) {
            const due = live
              .filter((r) => r.retainUntil <= d)
              .sort((a, b) => (a.retainUntil === b.retainUntil ? (a.token < b.token ? -1 : 1) : a.retainUntil < b.retainUntil ? -1 : 1))
            expect((await allPages((p) => store.dueForPurge(date(d), p), 2, 3)).map((r) => r.token)).toEqual(due.map((r) => r.token))
          }
          for (const [token, r] of model) expect(await run(store.get(token))).toEqual(r)
        }
      }),
      fcParams(100)
    )
  })
})

describe("MemoryTokenStore token lists (scope and due-date indexes)", () => {
  it("[GROUP-ACCESS][RETENTION-PURGE] random moves between keys: every read, whole or paged, is the model's tokens under the key in order, stale entries and repeats skipped, and a list never holds more than twice its tokens plus the slack", () => {
    const keys = ["a", "b", "c"] as const
    const moveArb = fc.record({ token: fc.integer({ min: 0, max: 9 }).map((n) => `t${n}`), to: fc.constantFrom(undefined, ...keys) })
    fc.assert(
      fc.property(fc.array(moveArb, { maxLength: 80 }), fc.constantFrom(0, 3, 32), fc.integer({ min: 1, max: 4 }), (moves, slack, limit) => {
        // The owner's records: which key each token is under now.
        const model = new Map<string, string | undefined>()
        const lists = new TokenLists((key, token) => model.get(token) === key, slack)
        for (const { to, token } of moves) {
          const from = model.get(token)
          if (from === to) continue
          model.set(token, to)
          if (from !== undefined) expect(lists.remove(from)).toBe(![...model.values()].includes(from))
          if (to !== undefined) lists.add(to, token)
          for (const key of keys) {
            const expected = [...model].filter(([, k]) => k === key).map(([t]) => t).sort()
            expect(lists.size(key)).toBe(expected.length)
            // Memory, and what a reader skips, stay linear in the tokens under the key.
            expect(lists.entries(key)).toBeLessThanOrEqual(2 * expected.length + slack)
            expect(lists.read(key, undefined, 100)).toEqual(expected)
            const paged: Array<string> = []
            for (let page = lists.read(key, undefined, limit); page.length > 0; page = lists.read(key, page[page.length - 1], limit)) {
              paged.push(...page)
            }
            expect(paged).toEqual(expected)
          }
        }
      }),
      fcParams(200)
    )
  })

  it("[GROUP-ACCESS][RETENTION-PURGE] a list that only loses tokens (deletions, purges, a scope re-scoped away) compacts too: never more than twice its tokens plus the slack", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.constantFrom(0, 3, 32), (n, leaving, slack) => {
        const model = new Map<string, string | undefined>()
        const lists = new TokenLists((key, token) => model.get(token) === key, slack)
        for (let i = 0; i < n; i++) {
          model.set(`t${i}`, "a")
          lists.add("a", `t${i}`)
        }
        for (let i = 0; i < Math.min(leaving, n); i++) {
          model.set(`t${i}`, undefined)
          lists.remove("a")
          const live = n - i - 1
          expect(lists.size("a")).toBe(live)
          expect(lists.entries("a")).toBeLessThanOrEqual(2 * live + slack)
        }
        expect(lists.read("a", undefined, n)).toEqual([...model].filter(([, k]) => k === "a").map(([t]) => t).sort())
      }),
      fcParams(100)
    )
  })
})

describe("MemoryTokenStore buckets and capacity", () => {
  it("[GROUP-ACCESS][DUPLICATE-CARD] a customer's and a card's buckets list by token, latest versions only, past the array size, through updates and deletions", async () => {
    const store = MemoryTokenStore.make()
    // Past the array size in both indexes: tokens of one customer inserted out of order, four in five of them
    // SUSPENDED twins of one card (one ACTIVE card per customer and scope).
    const n = Buckets.LARGE + 100
    const twin = (i: number) => i % 5 !== 0
    const records = Array.from({ length: n }, (_, i) =>
      makeRecord({ token: `t${String((i * 37) % n).padStart(3, "0")}`, fingerprint: twin(i) ? "card" : `f${i}`, status: twin(i) && i > 1 ? "SUSPENDED" : "ACTIVE" })
    )
    expect(records.filter((r) => r.fingerprint === "card").length).toBeGreaterThan(Buckets.LARGE)
    for (const r of records) await run(store.insert(r))
    const expectBuckets = async (live: ReadonlyArray<R>) => {
      const byToken = (rs: ReadonlyArray<R>) => [...rs].sort((a, b) => (a.token < b.token ? -1 : 1))
      expect(await run(store.findByCustomer("merchant:m1", "c1"))).toEqual(byToken(live))
      expect(await run(store.findByFingerprint("merchant:m1", "card"))).toEqual(byToken(live.filter((r) => r.fingerprint === "card")))
    }
    await expectBuckets(records)
    // An update that leaves every indexed field alone puts the new version in place of the old; a status
    // change moves it out of its buckets and back in.
    const touched = records.map((r, i) =>
      i % 7 === 0
        ? { ...r, lastActivity: "2025-03-01" as IsoDate.IsoDate, version: r.version + 1 }
        : i % 7 === 1 && r.status === "ACTIVE"
        ? { ...r, status: "SUSPENDED" as const, version: r.version + 1 }
        : r
    )
    for (const r of touched) if (r.version > 1) await run(store.update(r))
    expect(touched.filter((r, i) => r.status !== records[i]!.status).length).toBeGreaterThan(5)
    await expectBuckets(touched)
    const left = touched.filter((_, i) => i % 2 === 1)
    for (const r of touched.filter((_, i) => i % 2 === 0)) await run(store.update(tombstone(r)))
    await expectBuckets(left)
    for (const r of left.slice(0, -1)) await run(store.update(tombstone(r)))
    await expectBuckets(left.slice(-1))
  })

  it("[GROUP-ACCESS][DUPLICATE-CARD] random adds, replacements and removals in one bucket, past the array size and back to empty: it lists the model's latest versions by token", () => {
    interface Item {
      readonly token: string
      readonly version: number
    }
    const op = fc.oneof(
      { weight: 6, arbitrary: fc.constant({ kind: "add" as const, at: 0 }) },
      { weight: 2, arbitrary: fc.nat().map((at) => ({ kind: "replace" as const, at })) },
      { weight: 1, arbitrary: fc.nat().map((at) => ({ kind: "stale" as const, at })) },
      { weight: 1, arbitrary: fc.nat().map((at) => ({ kind: "drop" as const, at })) },
      { weight: 1, arbitrary: fc.nat().map((at) => ({ kind: "staleDrop" as const, at })) }
    )
    // Enough ops that most runs pass the array size; then every token leaves, in random order.
    const ops = fc.array(op, { minLength: 3 * Buckets.LARGE, maxLength: 4 * Buckets.LARGE })
    const drops = fc.array(fc.nat().map((at) => ({ kind: "drop" as const, at })), { minLength: 5 * Buckets.LARGE, maxLength: 5 * Buckets.LARGE })
    let largest = 0
    fc.assert(
      fc.property(ops, drops, (ops, drops) => {
        const index: Buckets.Index<Item> = new Map()
        const model = new Map<string, Item>()
        const show = (items: Iterable<Item>) => [...items].map((i) => `${i.token}:${i.version}`)
        let added = 0
        for (const { at, kind } of [...ops, ...drops]) {
          const held = [...model.values()]
          const target = held[at % Math.max(1, held.length)]
          if (kind === "add") {
            // Tokens out of insertion order.
            const item = { token: `t${String((added++ * 7919) % 10007).padStart(5, "0")}`, version: 1 }
            Buckets.put(index, "s", "k", item)
            model.set(item.token, item)
          } else if (target !== undefined && (kind === "drop" || kind === "staleDrop")) {
            // A stale caller names the version by value, not the object the bucket holds.
            Buckets.drop(index, "s", "k", kind === "staleDrop" ? { ...target } : target)
            model.delete(target.token)
          } else if (target !== undefined) {
            const next = { token: target.token, version: target.version + 1 }
            Buckets.replace(index, "s", "k", kind === "stale" ? { ...target } : target, next)
            model.set(next.token, next)
          }
          largest = Math.max(largest, model.size)
          const expected = show(model.values()).sort()
          expect(show(Buckets.sorted(Buckets.get(index, "s", "k")))).toEqual(expected)
          expect(show(Buckets.items(Buckets.get(index, "s", "k"))).sort()).toEqual(expected)
          // An emptied bucket, and then its scope, leave the index.
          expect(index.size).toBe(model.size === 0 ? 0 : 1)
        }
        expect(model.size).toBe(0)
      }),
      fcParams(10)
    )
    expect(largest).toBeGreaterThan(Buckets.LARGE)
  })

  it("[DELETE-IRREVERSIBLE] past its capacity (tombstones included) the store refuses inserts and key bindings with Unavailable, never a RangeError", async () => {
    const store = MemoryTokenStore.make({ capacity: 2 })
    const a = makeRecord({ merchantRequestId: "req-a" })
    await run(store.insert(a))
    await run(store.insert(makeRecord()))
    await run(store.update(tombstone(a)))
    expect(await fail(store.insert(makeRecord()))).toMatchObject({ _tag: "Unavailable" })
    // Keys count apart from tokens: the record's own key and one bound key fill it.
    const bind = (merchantRequestId: string) => store.bindRequestId({ merchantId: "m1", merchantRequestId, token: a.token, requestDigest: "d" })
    await run(bind("req-b"))
    expect(await fail(bind("req-c"))).toMatchObject({ _tag: "Unavailable" })
    expect(await run(store.getRequestKey("m1", "req-c"))).toBeUndefined()
  })
})

describe("MemoryTokenStore restore (trusted bulk load)", () => {
  it("[GROUP-ACCESS][RETENTION-PURGE][IDEMPOTENCY][DUPLICATE-CARD] restored records answer every query as inserted ones do, and the rebuilt indexes enforce the constraints on later inserts", async () => {
    const records: Array<R> = Array.from({ length: 80 }, (_, i) => {
      const r = makeRecord({
        scope: i % 3 === 0 ? "merchant:m2" : "merchant:m1",
        customerId: i % 5 === 0 ? undefined : `c${i % 4}`,
        fingerprint: `fp${i % 7}-${i}`,
        retainUntil: date(`2030-01-0${1 + (i % 3)}`),
        merchantRequestId: i % 2 === 0 ? `req${i}` : undefined
      })
      return i % 6 === 0 ? tombstone(r) : r
    })
    const inserted = MemoryTokenStore.make({ maxPageSize: 7 })
    const restorable = MemoryTokenStore.makeRestorable({ maxPageSize: 7 })
    for (const r of records) {
      await run(inserted.insert(r))
      expect(restorable.restore(r)).toBeUndefined()
    }
    const answers = async (store: TokenStore.Service) => {
      const out: Array<unknown> = []
      for (const scope of ["merchant:m1", "merchant:m2"] as const) {
        for (const c of ["c0", "c1", "c2", "c3"]) out.push(await run(store.findByCustomer(scope, c)))
        for (const r of records) out.push(await run(store.findByFingerprint(scope, r.fingerprint ?? "")))
        let cursor: string | undefined
        do {
          const page = await run(store.listByScope(scope, { limit: 7, cursor }))
          out.push(page.items)
          cursor = page.cursor
        } while (cursor !== undefined)
      }
      out.push((await run(store.dueForPurge(date("2030-01-02"), { limit: 7, cursor: undefined }))).items)
      for (const r of records) out.push(await run(store.getByRequestId("m1", r.merchantRequestId ?? "none")))
      return out
    }
    const store = restorable.store
    expect(await answers(store)).toEqual(await answers(inserted))
    const live = records[1]!
    expect(await fail(store.insert(makeRecord({ fingerprint: live.fingerprint, customerId: live.customerId })))).toMatchObject({
      _tag: "Duplicate"
    })
    expect(await fail(store.insert(makeRecord({ merchantRequestId: records[2]!.merchantRequestId })))).toMatchObject({ _tag: "Duplicate" })
    expect(restorable.restore(live)?.reason).toMatchObject({ _tag: "Duplicate" })
  })

  it("[DUPLICATE-CARD][IDEMPOTENCY][DELETE-IRREVERSIBLE] insertNow and updateNow answer as insert and update do, with the same errors and the same state, and Unavailable once closed", () => {
    // The entries share insert's and update's bodies; this guards what wraps them, on every path the bodies take.
    const op = fc.record({
      update: fc.boolean(),
      token: fc.constantFrom("t0", "t1", "t2", "t3", "t4"),
      fingerprint: fc.constantFrom("f0", "f1"),
      status: fc.constantFrom("ACTIVE", "ACTIVE", "SUSPENDED", "DELETED") as fc.Arbitrary<R["status"]>,
      requestId: fc.constantFrom(undefined, "r0", "r1"),
      step: fc.constantFrom(0, 1, 1, 2)
    })
    const outcome = (e: TokenStore.TokenStoreError | undefined) => (e === undefined ? "ok" : JSON.stringify(e.reason))
    const seen = new Set<string>()
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        // A capacity of three tokens, so that inserts also meet the capacity error.
        const viaEffects = MemoryTokenStore.makeRestorable({ capacity: 3 })
        const direct = MemoryTokenStore.makeRestorable({ capacity: 3 })
        const viaEffect = (e: Effect.Effect<void, TokenStore.TokenStoreError>) => {
          const r = Effect.runSync(Effect.result(e))
          return Result.isSuccess(r) ? "ok" : outcome(r.failure)
        }
        for (const o of ops) {
          const current = direct.records.get(o.token)
          const record: R = o.update && current !== undefined
            ? { ...current, status: o.status, fingerprint: o.fingerprint, merchantRequestId: o.requestId, version: current.version + o.step }
            : makeRecord({ token: o.token, fingerprint: o.fingerprint, status: o.status, merchantRequestId: o.requestId, version: o.update ? 2 : 1 })
          const expected = viaEffect(o.update ? viaEffects.store.update(record) : viaEffects.store.insert(record))
          seen.add(expected)
          expect(outcome(o.update ? direct.updateNow(record) : direct.insertNow(record))).toBe(expected)
        }
        expect([...direct.records]).toEqual([...viaEffects.records])
        for (const f of ["f0", "f1"]) {
          expect(Effect.runSync(direct.store.findByFingerprint("merchant:m1", f))).toEqual(Effect.runSync(viaEffects.store.findByFingerprint("merchant:m1", f)))
        }
        expect(Effect.runSync(direct.store.findByCustomer("merchant:m1", "c1"))).toEqual(Effect.runSync(viaEffects.store.findByCustomer("merchant:m1", "c1")))
        for (const id of ["r0", "r1"]) {
          expect(Effect.runSync(direct.store.getByRequestId("m1", id))).toEqual(Effect.runSync(viaEffects.store.getByRequestId("m1", id)))
        }
        // Closed, both answer the effects' error and change nothing.
        Effect.runSync(direct.store.close())
        Effect.runSync(viaEffects.store.close())
        const before = [...direct.records]
        const fresh = makeRecord()
        expect(outcome(direct.insertNow(fresh))).toBe(viaEffect(viaEffects.store.insert(fresh)))
        if (before.length > 0) {
          const next = { ...before[0]![1], version: before[0]![1].version + 1 }
          expect(outcome(direct.updateNow(next))).toBe(viaEffect(viaEffects.store.update(next)))
        }
        expect([...direct.records]).toEqual(before)
      }),
      fcParams(300)
    )
    // Every path of the bodies was taken: success, and each error the two operations give.
    const tags = [...seen].map((o) => (o === "ok" ? o : (JSON.parse(o) as { _tag: string; constraint?: string })))
    const has = (tag: string, constraint?: string) =>
      tags.some((t) => t !== "ok" && t._tag === tag && (constraint === undefined || t.constraint === constraint))
    expect(seen.has("ok")).toBe(true)
    for (const c of ["token", "merchantRequestId", "activeFingerprint"]) expect(has("Duplicate", c)).toBe(true)
    for (const tag of ["NotFound", "Conflict", "Unavailable"]) expect(has(tag)).toBe(true)
  })

  it("[DELETE-IRREVERSIBLE] restore past the capacity is Unavailable, never a RangeError", () => {
    const { restore } = MemoryTokenStore.makeRestorable({ capacity: 1 })
    expect(restore(makeRecord())).toBeUndefined()
    expect(restore(makeRecord())?.reason).toMatchObject({ _tag: "Unavailable" })
  })
})

describe("MemoryTokenStore membership, merchants, groups", () => {
  const setup = async () => {
    const store = MemoryTokenStore.make()
    await run(store.putMerchant({ merchantId: "m1", prefix: "AAA1", format: "opaque", tokenization: true, luhn: "enforce" }))
    await run(store.putMerchant({ merchantId: "m2", prefix: "BBB1", format: "opaque", tokenization: true, luhn: "enforce" }))
    await run(store.createGroup("g"))
    return store
  }

  it("[GROUP-MEMBERSHIP] changeMembership moves the owner's tokens in the scope and sets the group in one step", async () => {
    const store = await setup()
    const own = [makeRecord({ fingerprint: "f1" }), makeRecord({ fingerprint: "f2" }), makeRecord({ fingerprint: "f3", status: "SUSPENDED" })]
    const dead = makeRecord({ fingerprint: "f4" })
    const other = makeRecord({ merchantId: "m2", scope: "merchant:m2", fingerprint: "f1" })
    for (const r of [...own, dead, other]) await run(store.insert(r))
    await run(store.update(tombstone(dead)))
    const moved = await run(
      store.changeMembership({ merchantId: "m1", groupId: "g", rescope: { owner: "m1", from: "merchant:m1", to: "group:g" } })
    )
    expect(moved).toBe(4)
    expect((await run(store.getMerchant("m1")))?.groupId).toBe("g")
    expect((await allPages((p) => store.listByScope("group:g", p), 10, 1000)).map((r) => r.token)).toEqual(own.map((r) => r.token).sort())
    expect(await allPages((p) => store.listByScope("merchant:m1", p), 10, 1000)).toEqual([])
    for (const r of own) expect(await run(store.get(r.token))).toMatchObject({ scope: "group:g", version: r.version + 1 })
    expect((await run(store.get(dead.token)))?.scope).toBe("group:g")
    expect((await run(store.get(other.token)))?.scope).toBe("merchant:m2")
    expect((await run(store.findByFingerprint("group:g", "f1"))).map((r) => r.token)).toEqual([own[0]!.token])
    // Leaving without a rescope only changes the membership.
    expect(await run(store.changeMembership({ merchantId: "m1", groupId: undefined, rescope: undefined }))).toBe(0)
    expect((await run(store.getMerchant("m1")))?.groupId).toBeUndefined()
    expect((await run(store.get(own[0]!.token)))?.scope).toBe("group:g")
  })

  it("[GROUP-MEMBERSHIP][DUPLICATE-CARD] a move that would make two ACTIVE tokens for one card is refused all-or-nothing", async () => {
    const store = await setup()
    const inGroup = makeRecord({ merchantId: "m2", scope: "group:g", fingerprint: "f2" })
    const mine = [makeRecord({ fingerprint: "f1" }), makeRecord({ fingerprint: "f2" }), makeRecord({ fingerprint: "f3" })]
    for (const r of [inGroup, ...mine]) await run(store.insert(r))
    const before = await Promise.all(mine.map((r) => run(store.get(r.token))))
    const reason = await fail(
      store.changeMembership({ merchantId: "m1", groupId: "g", rescope: { owner: "m1", from: "merchant:m1", to: "group:g" } })
    )
    expect(reason).toMatchObject({ _tag: "Duplicate", constraint: "activeFingerprint" })
    expect(await Promise.all(mine.map((r) => run(store.get(r.token))))).toEqual(before)
    expect((await run(store.getMerchant("m1")))?.groupId).toBeUndefined()
    expect((await allPages((p) => store.listByScope("group:g", p), 10, 1000)).map((r) => r.token)).toEqual([inGroup.token])
    expect((await run(store.findByFingerprint("merchant:m1", "f1"))).map((r) => r.token)).toEqual([mine[0]!.token])
    // Unknown merchant or group: NotFound, nothing changes.
    expect(await fail(store.changeMembership({ merchantId: "ghost", groupId: "g", rescope: undefined }))).toMatchObject({ _tag: "NotFound" })
    expect(await fail(store.changeMembership({ merchantId: "m1", groupId: "nope", rescope: undefined }))).toMatchObject({ _tag: "NotFound" })
    expect((await run(store.getMerchant("m1")))?.groupId).toBeUndefined()
  })

  it("[MERCHANT-PREFIX] prefixes are unique across merchants; a merchant may change its own; membership survives putMerchant", async () => {
    const store = await setup()
    const m3 = { merchantId: "m3", prefix: "AAA1", format: "opaque", tokenization: true, luhn: "enforce" } as const
    expect(await fail(store.putMerchant(m3))).toMatchObject({ _tag: "Duplicate", constraint: "prefix" })
    await run(store.putMerchant({ ...m3, merchantId: "m1", prefix: "CCC1" }))
    await run(store.putMerchant(m3))
    expect((await run(store.listMerchants())).map((m) => [m.merchantId, m.prefix])).toEqual([["m1", "CCC1"], ["m2", "BBB1"], ["m3", "AAA1"]])
    await run(store.changeMembership({ merchantId: "m2", groupId: "g", rescope: undefined }))
    await run(store.putMerchant({ ...m3, merchantId: "m2", prefix: "BBB1", tokenization: false }))
    expect(await run(store.getMerchant("m2"))).toMatchObject({ groupId: "g", tokenization: false })
    expect(await run(store.getMerchant("nobody"))).toBeUndefined()
  })

  it("[GROUP-MEMBERSHIP] groups are created once; hasGroup answers", async () => {
    const store = await setup()
    expect(await fail(store.createGroup("g"))).toMatchObject({ _tag: "Duplicate", constraint: "group" })
    expect(await run(store.hasGroup("g"))).toBe(true)
    expect(await run(store.hasGroup("h"))).toBe(false)
  })

  it("[RETENTION-PURGE] after close every operation fails with Unavailable", async () => {
    const store = await setup()
    const r = makeRecord()
    await run(store.insert(r))
    await run(store.close())
    const ops: ReadonlyArray<Effect.Effect<unknown, TokenStore.TokenStoreError>> = [
      store.insert(makeRecord()),
      store.get(r.token),
      store.getByRequestId("m1", "x"),
      store.update({ ...r, version: 2 }),
      store.findByCustomer("merchant:m1", "c1"),
      store.findByFingerprint("merchant:m1", "f"),
      store.listByScope("merchant:m1", { limit: 10 }),
      store.dueForPurge(date("2099-01-01"), { limit: 10 }),
      store.getMerchant("m1"),
      store.putMerchant({ merchantId: "m9", prefix: "ZZZ9", format: "opaque", tokenization: true, luhn: "enforce" }),
      store.listMerchants(),
      store.createGroup("h"),
      store.hasGroup("g"),
      store.changeMembership({ merchantId: "m1", groupId: "g", rescope: undefined })
    ]
    for (const op of ops) expect((await fail(op))._tag).toBe("Unavailable")
  })
})
