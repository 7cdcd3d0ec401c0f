import type { Group, TokenRecord } from "@tokenvault/core"
import { TokenRecord as TR } from "@tokenvault/core"
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import * as TokenStore from "@tokenvault/vault/TokenStore"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import * as FileSystem from "../src/FileSystem.ts"
import * as FileTokenStore from "../src/FileTokenStore.ts"
import { cleanup, dump, failureOf, fc, merchant, numRuns, outcome, record, run, seed, tempDir, type Universe } from "./support.ts"

afterAll(cleanup)

describe("FileTokenStore basics", () => {
  it("[R1] peek answers only what is durable: nothing while a write waits for the disk, nothing once closed", async () => {
    // Journal writes wait on `gate` while it is set: the store holds an acknowledged-to-no-one write in its indexes.
    let gate: Promise<void> | undefined
    const held: FileSystem.FileSystem = {
      ...FileSystem.node,
      open: async (file, mode, options) => {
        const h = await FileSystem.node.open(file, mode, options)
        return { ...h, write: async (...args) => (gate === undefined ? h.write(...args) : gate.then(() => h.write(...args))) }
      }
    }
    const store = await run(FileTokenStore.open(tempDir("peek"), { fileSystem: held, autoCompact: false }))
    const first = record(1)
    await run(store.putMerchant(merchant("m1", "AAA1")))
    await run(store.insert(first))
    expect(store.peek!.record(first.token)).toEqual(first)
    expect(store.peek!.merchant("m1")).toMatchObject({ merchantId: "m1", prefix: "AAA1" })
    let release = (): void => undefined
    gate = new Promise((resolve) => (release = resolve))
    const next: TokenRecord.TokenRecord = { ...first, status: "SUSPENDED", version: first.version + 1 }
    const updated = Effect.runPromise(store.update(next))
    const inserted = Effect.runPromise(store.insert(record(2)))
    await new Promise((resolve) => setImmediate(resolve))
    // Both writes are in the indexes, neither on disk: peek must not answer them (nor the absence the insert replaced).
    expect(store.peek!.record(first.token)).toBeUndefined()
    expect(store.peek!.record(record(2).token)).toBeUndefined()
    gate = undefined
    release()
    await updated
    await inserted
    expect(store.peek!.record(first.token)).toEqual(next)
    expect(store.peek!.record(record(2).token)).toEqual(record(2))
    await run(store.close())
    expect(store.peek!.record(first.token)).toBeUndefined()
    expect(store.peek!.merchant("m1")).toBeUndefined()
  })

  it("[R8] publishes a valid capabilities manifest for each durability mode", async () => {
    for (const durability of ["fsync", "batch", "none"] as const) {
      const store = await run(FileTokenStore.open(tempDir(), { durability }))
      expect(TokenStore.validateCapabilities(store.capabilities)).toEqual([])
      expect(store.capabilities).toMatchObject({ name: "file", durability, durable: durability !== "none", multiProcess: false })
      await run(store.close())
    }
  })

  it.skipIf(process.platform === "win32")("[NO-PAN-LEAK] stored bytes are the owner's only: the store directory is created 0700, journal, snapshot and lock files 0600", async () => {
    const dir = path.join(tempDir("modes"), "a", "store")
    const store = await run(FileTokenStore.open(dir))
    await run(store.insert(record(1)))
    const modeOf = (p: string) => fs.statSync(p).mode & 0o777
    expect(modeOf(dir)).toBe(0o700)
    expect(modeOf(path.dirname(dir))).toBe(0o700)
    expect(modeOf((await run(store.stats())).file)).toBe(0o600)
    expect(modeOf(path.join(dir, "LOCK"))).toBe(0o600)
    await run(store.compact())
    expect(modeOf((await run(store.stats())).file)).toBe(0o600)
    expect(fs.readdirSync(dir).map((name) => [name, modeOf(path.join(dir, name))])).toEqual(
      fs.readdirSync(dir).map((name) => [name, 0o600])
    )
    await run(store.close())
  })

  it("[DELETE-IRREVERSIBLE][IDEMPOTENCY][DUPLICATE-CARD] refuses duplicates exactly like the memory store, and a refused write writes nothing", async () => {
    const dir = tempDir()
    const store = await run(FileTokenStore.open(dir))
    const model = MemoryTokenStore.make()
    const a = record(1)
    for (const s of [store, model]) await run(s.insert(a))
    const sizeBefore = fs.statSync((await run(store.stats())).file).size
    const attempts: Array<TokenRecord.TokenRecord> = [
      a,
      record(2, { merchantRequestId: a.merchantRequestId }),
      record(3, { fingerprint: a.fingerprint, customerId: a.customerId })
    ]
    for (const r of attempts) {
      expect(await outcome(store.insert(r))).toBe(await outcome(model.insert(r)))
      const e = await failureOf(store.insert(r))
      expect(e._tag).toBe("TokenStoreError")
      expect(e.reason._tag).toBe("Duplicate")
    }
    // A tombstone keeps its value reserved.
    const tomb = TR.toTombstone(a, { reason: "DEREGISTERED", on: "2025-02-01" as never })
    await run(store.update(tomb))
    expect((await failureOf(store.insert(record(1)))).reason).toMatchObject({ _tag: "Duplicate", constraint: "token" })
    expect((await failureOf(store.update({ ...tomb, version: 9 }))).reason._tag).toBe("Conflict")
    expect((await failureOf(store.update(record(99, { version: 2 })))).reason._tag).toBe("NotFound")
    const after = fs.statSync((await run(store.stats())).file).size
    // Only the tombstone's frame was added.
    expect(after).toBeGreaterThan(sizeBefore)
    const tombFrame = after - sizeBefore
    expect(tombFrame).toBeLessThan(1024)
    await run(store.close())
    const again = await run(FileTokenStore.open(dir))
    expect(await run(again.get(a.token))).toEqual(tomb)
    expect(fs.statSync((await run(again.stats())).file).size).toBe(after)
    await run(again.close())
  })

  it("[R7] a second opener in the same process gets Locked; after close it opens", async () => {
    const dir = tempDir()
    const first = await run(FileTokenStore.open(dir))
    const e = await failureOf(FileTokenStore.open(dir))
    expect(e.reason._tag).toBe("Locked")
    await run(first.close())
    await run(first.close())
    const second = await run(FileTokenStore.open(dir))
    await run(second.close())
  })

  it("[R1] a closed store refuses every call with Unavailable", async () => {
    const store = await run(FileTokenStore.open(tempDir()))
    await run(store.close())
    expect((await failureOf(store.get("x"))).reason).toMatchObject({ _tag: "Unavailable", detail: "closed" })
    expect((await failureOf(store.insert(record(1)))).reason).toMatchObject({ _tag: "Unavailable", detail: "closed" })
  })

  it("[R1] the layer opens on build and closes (releasing the lock) when its scope ends", async () => {
    const dir = tempDir()
    const program = Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      yield* store.insert(record(5))
      return yield* store.get(record(5).token)
    })
    const got = await Effect.runPromise(Effect.provide(program, FileTokenStore.layer(dir)))
    expect(got).toEqual(record(5))
    const reopened = await run(FileTokenStore.open(dir))
    expect(await run(reopened.get(record(5).token))).toEqual(record(5))
    await run(reopened.close())
  })

  it("[R1] group commit: 256 concurrent inserts share few fsyncs, and all are acknowledged durable", async () => {
    const dir = tempDir()
    const store = await run(FileTokenStore.open(dir))
    const records = Array.from({ length: 256 }, (_, i) => record(i))
    await run(Effect.forEach(records, (r) => store.insert(r), { concurrency: 64, discard: true }))
    const stats = await run(store.stats())
    expect(stats.committedOperations).toBe(256)
    expect(stats.commits).toBeLessThan(256)
    await run(store.close())
    const again = await run(FileTokenStore.open(dir))
    for (const r of records) expect(await run(again.get(r.token))).toEqual(r)
    await run(again.close())
  })

  it("[R1] group commit pipelines: a group carries at most maxBatchOperations, and the next group's write starts before the last group's callers run on", async () => {
    const events: Array<string> = []
    let recording = false
    const recordingFs: FileSystem.FileSystem = {
      ...FileSystem.node,
      open: async (p, mode, options) => {
        const h = await FileSystem.node.open(p, mode, options)
        return {
          ...h,
          write: (...args) => {
            if (recording) events.push("write")
            return h.write(...args)
          }
        }
      }
    }
    const store = await run(FileTokenStore.open(tempDir("pipeline"), { fileSystem: recordingFs, maxBatchOperations: 2 }))
    recording = true
    const records = Array.from({ length: 6 }, (_, i) => record(i))
    await run(Effect.forEach(records, (r) => Effect.tap(store.insert(r), () => Effect.sync(() => events.push("acknowledged"))), { concurrency: 6, discard: true }))
    recording = false
    const stats = await run(store.stats())
    expect(stats.committedOperations).toBe(6)
    expect(stats.commits).toBeGreaterThanOrEqual(3)
    // The second group's write was issued before any caller of the first group went on.
    expect(events.indexOf("acknowledged")).toBeGreaterThan(events.indexOf("write", events.indexOf("write") + 1))
    for (const r of records) expect(await run(store.get(r.token))).toEqual(r)
    await run(store.close())
  })

  it("[R1] a read waits for the fsync of every write it could have observed, and only for those", async () => {
    // The durability point (the journal's O_DSYNC write, or an fdatasync) held until released: writes stay undurable meanwhile.
    let held: Array<() => void> | undefined
    const hold = <A>(f: () => Promise<A>): Promise<A> => held === undefined ? f() : new Promise<void>((resolve) => held!.push(resolve)).then(f)
    const holding: FileSystem.FileSystem = {
      ...FileSystem.node,
      open: async (p, mode, options) => {
        const h = await FileSystem.node.open(p, mode, options)
        return { ...h, write: (...args) => hold(() => h.write(...args)), datasync: () => hold(() => h.datasync()) }
      }
    }
    const release = () => {
      const waiting = held ?? []
      held = undefined
      for (const f of waiting) f()
    }
    const ticks = async () => {
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
    }
    const settled = <A>(effect: Effect.Effect<A, unknown>) => {
      const state = { done: false, value: undefined as A | undefined }
      const promise = Effect.runPromise(effect).then((a) => {
        state.done = true
        state.value = a
      })
      return { state, promise }
    }
    const store = await run(FileTokenStore.open(tempDir("gate"), { fileSystem: holding }))
    const a = record(1)
    const b = record(2, { customerId: a.customerId })
    await run(store.insert(a))
    held = []
    const insertB = settled(store.insert(b))
    await ticks()
    // Neither sees the undurable insert: they answer at once.
    expect(await run(store.get(a.token))).toEqual(a)
    expect(await run(store.get("absent"))).toBeUndefined()
    // These could have observed it: they wait for its fsync.
    const getB = settled(store.get(b.token))
    const byCustomer = settled(store.findByCustomer(a.scope, a.customerId!))
    await ticks()
    expect([insertB.state.done, getB.state.done, byCustomer.state.done]).toEqual([false, false, false])
    release()
    await Promise.all([insertB.promise, getB.promise, byCustomer.promise])
    expect(getB.state.value).toEqual(b)
    expect(byCustomer.state.value).toEqual([a, b])
    // An undurable update that changes an indexed field could take a record out of any answer: every record read waits.
    held = []
    const suspend = settled(store.update({ ...a, status: "SUSPENDED", version: 2 }))
    await ticks()
    const other = settled(store.get(b.token))
    await ticks()
    expect([suspend.state.done, other.state.done]).toEqual([false, false])
    release()
    await Promise.all([suspend.promise, other.promise])
    expect(other.state.value).toEqual(b)
    // Two groups in flight: the first one's durability does not cover the second one's record.
    held = []
    const c = record(3)
    const d = record(4)
    const insertC = settled(store.insert(c))
    await ticks()
    const insertD = settled(store.insert(d))
    await ticks()
    held.shift()!()
    await insertC.promise
    await ticks()
    const getD = settled(store.get(d.token))
    await ticks()
    expect(await run(store.get(c.token))).toEqual(c)
    expect([insertD.state.done, getD.state.done]).toEqual([false, false])
    release()
    await Promise.all([insertD.promise, getD.promise])
    expect(getD.state.value).toEqual(d)
    await run(store.close())
  })

  it("[GROUP-MEMBERSHIP] a re-scoping change moves the tokens the owner owns now, as the memory store does (an update may change a record's owner)", async () => {
    const dir = tempDir("owner")
    const store = await run(FileTokenStore.open(dir))
    const model = MemoryTokenStore.make()
    const moved = record(1)
    const handedOver = record(2)
    for (const s of [store, model]) {
      await run(s.putMerchant(merchant("m1", "AA")))
      await run(s.putMerchant(merchant("m2", "BB")))
      await run(s.createGroup("g"))
      await run(s.insert(moved))
      await run(s.insert(handedOver))
      await run(s.update({ ...handedOver, merchantId: "m2", version: 2 }))
    }
    const change = { merchantId: "m1", groupId: "g", rescope: { owner: "m1", from: moved.scope, to: "group:g" as Group.Scope } }
    expect(await run(store.changeMembership(change))).toBe(await run(model.changeMembership(change)))
    expect((await run(store.stats())).poisoned).toBeUndefined()
    await run(store.close())
    const reopened = await run(FileTokenStore.open(dir))
    for (const t of [moved.token, handedOver.token]) expect(await run(reopened.get(t))).toEqual(await run(model.get(t)))
    await run(reopened.close())
  })

  it("[R1] without group commit every operation gets its own write and fsync", async () => {
    const store = await run(FileTokenStore.open(tempDir(), { groupCommit: false }))
    await run(Effect.forEach(Array.from({ length: 20 }, (_, i) => record(i)), (r) => store.insert(r), { concurrency: 8, discard: true }))
    const stats = await run(store.stats())
    expect(stats.commits).toBe(20)
    await run(store.close())
  })

  it("[R1] durable modes open the journal with O_DSYNC, before and after a compaction, and commit a group with one write and no separate fdatasync", async () => {
    for (const durability of ["fsync", "batch", "none"] as const) {
      const opened: Array<[string, boolean]> = []
      const spying: FileSystem.FileSystem = {
        ...FileSystem.node,
        open: (p, mode, options) => {
          if (mode === "readWrite") opened.push([path.basename(p), options?.dsync === true])
          return FileSystem.node.open(p, mode, options)
        }
      }
      const faulty = FileSystem.withFaults(spying)
      const store = await run(FileTokenStore.open(tempDir("dsync"), { durability, fileSystem: faulty.fileSystem, autoCompact: false }))
      await run(store.insert(record(1)))
      faulty.arm({ at: 10_000, code: "EIO", persistent: false })
      await run(store.insert(record(2)))
      expect(faulty.calls()).toEqual(["write"])
      faulty.disarm()
      await run(store.compact())
      await run(store.insert(record(3)))
      await run(store.close())
      const durable = durability !== "none"
      expect(opened).toEqual(durable ? [["journal-0000000001.tvj", true], ["journal-0000000002.tvj", true]] : [["journal-0000000001.tvj", false]])
    }
  })

  it("[R1] batch and none durability commit and reopen to the same state", async () => {
    for (const durability of ["batch", "none"] as const) {
      const dir = tempDir()
      const store = await run(FileTokenStore.open(dir, { durability, batchWindowMs: 1 }))
      await run(Effect.forEach(Array.from({ length: 30 }, (_, i) => record(i)), (r) => store.insert(r), { concurrency: 10, discard: true }))
      await run(store.close())
      const again = await run(FileTokenStore.open(dir))
      expect((await run(again.stats())).records).toBe(30)
      await run(again.close())
    }
  })

  it("[GROUP-MEMBERSHIP] a membership change with thousands of re-scoped tokens spans several frames and replays as one", async () => {
    const dir = tempDir()
    const store = await run(FileTokenStore.open(dir, { autoCompact: false }))
    await run(store.putMerchant(merchant("big", "BG")))
    await run(store.createGroup("g"))
    // Long merchant-chosen tokens so the list of re-scoped tokens passes one frame (1 MiB).
    const long = (i: number) => record(i, { merchantId: "big", token: `T${String(i).padStart(8, "0")}${"x".repeat(300)}`, merchantRequestId: undefined })
    const n = 4000
    for (let i = 0; i < n; i += 500) {
      await run(Effect.forEach(Array.from({ length: 500 }, (_, k) => long(i + k)), (r) => store.insert(r), { concurrency: 50, discard: true }))
    }
    const moved = await run(store.changeMembership({ merchantId: "big", groupId: "g", rescope: { owner: "big", from: "merchant:big", to: "group:g" } }))
    expect(moved).toBe(n)
    await run(store.close())
    const again = await run(FileTokenStore.open(dir))
    expect((await run(again.getMerchant("big")))?.groupId).toBe("g")
    const page = await run(again.listByScope("group:g" as Group.Scope, { limit: 1000 }))
    expect(page.items.length).toBe(1000)
    expect(page.items.every((r) => r.version === 2)).toBe(true)
    expect((await run(again.stats())).recovery.frames).toBeGreaterThan(n + 3)
    await run(again.close())
  })
})

// ---------------------------------------------------------------------------
// Durable reopen: random operations against the memory store as the model.
// ---------------------------------------------------------------------------

type Op =
  | { readonly k: "insert"; readonly i: number; readonly m: number; readonly group: boolean; readonly c: number; readonly f: number; readonly r: number | undefined; readonly suspended: boolean }
  | { readonly k: "update"; readonly i: number; readonly what: "suspend" | "resume" | "delete" | "retain" | "customer"; readonly stale: boolean }
  | { readonly k: "merchant"; readonly m: number; readonly p: number }
  | { readonly k: "group"; readonly g: number }
  | { readonly k: "membership"; readonly m: number; readonly g: number | undefined; readonly move: boolean }
  | { readonly k: "reopen" }
  | { readonly k: "compact" }

const MERCHANTS = ["m0", "m1", "m2"]
const GROUPS = ["g0", "g1"]

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant("insert" as const), i: fc.nat(11), m: fc.nat(2), group: fc.boolean(), c: fc.nat(2), f: fc.nat(3), r: fc.option(fc.nat(5), { nil: undefined }), suspended: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant("update" as const), i: fc.nat(11), what: fc.constantFrom("suspend", "resume", "delete", "retain", "customer"), stale: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("merchant" as const), m: fc.nat(2), p: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("group" as const), g: fc.nat(1) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("membership" as const), m: fc.nat(2), g: fc.option(fc.nat(1), { nil: undefined }), move: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ k: "reopen" as const }) },
  { weight: 1, arbitrary: fc.constant({ k: "compact" as const }) }
)

const universe: Universe = {
  tokens: Array.from({ length: 12 }, (_, i) => record(i).token),
  requests: MERCHANTS.flatMap((m) => Array.from({ length: 6 }, (_, r) => [m, `req-${r}`] as const)),
  merchants: MERCHANTS,
  groups: GROUPS,
  customers: ["c0", "c1", "c2"],
  fingerprints: ["f0", "f1", "f2", "f3"]
}

type Call = (store: TokenStore.Service) => Promise<string>

/** Turns an op into a concrete call, reading current versions from the model (before either store runs it). */
const prepare = async (model: TokenStore.Service, op: Op): Promise<Call> => {
  switch (op.k) {
    case "insert": {
      const merchantId = MERCHANTS[op.m]!
      const entry = await run(model.getMerchant(merchantId))
      const scope = op.group && entry?.groupId !== undefined ? `group:${entry.groupId}` : `merchant:${merchantId}`
      const r = record(op.i, {
        merchantId,
        scope: scope as Group.Scope,
        customerId: `c${op.c}`,
        fingerprint: `f${op.f}`,
        merchantRequestId: op.r === undefined ? undefined : `req-${op.r}`,
        status: op.suspended ? "SUSPENDED" : "ACTIVE"
      })
      return (store) => outcome(store.insert(r))
    }
    case "update": {
      const token = record(op.i).token
      const current = (await run(model.get(token))) ?? record(op.i)
      const base = { ...current, version: current.version + (op.stale ? 0 : 1) }
      const next: TokenRecord.TokenRecord = op.what === "delete"
        ? { ...TR.toTombstone(current, { reason: "DEREGISTERED", on: "2025-03-01" as never }), version: base.version }
        : op.what === "suspend"
        ? { ...base, status: current.status === "DELETED" ? "DELETED" : "SUSPENDED" }
        : op.what === "resume"
        ? { ...base, status: current.status === "DELETED" ? "DELETED" : "ACTIVE" }
        : op.what === "retain"
        ? { ...base, retainUntil: "2027-05-01" as never, extended: true }
        : { ...base, customerId: current.customerId === "c0" ? "c1" : "c0" }
      return (store) => outcome(store.update(next))
    }
    case "merchant":
      return (store) => outcome(store.putMerchant(merchant(MERCHANTS[op.m]!, `P${op.p}`)))
    case "group":
      return (store) => outcome(store.createGroup(GROUPS[op.g]!))
    case "membership": {
      const merchantId = MERCHANTS[op.m]!
      const entry = await run(model.getMerchant(merchantId))
      const groupId = op.g === undefined ? undefined : GROUPS[op.g]!
      const rescope: Group.Rescope | undefined = !op.move
        ? undefined
        : groupId !== undefined
        ? { owner: merchantId, from: `merchant:${merchantId}`, to: `group:${groupId}` }
        : entry?.groupId !== undefined
        ? { owner: merchantId, from: `group:${entry.groupId}`, to: `merchant:${merchantId}` }
        : undefined
      return async (store) => {
        const r = await Effect.runPromise(Effect.result(store.changeMembership({ merchantId, groupId, rescope })))
        return r._tag === "Success" ? `ok:${r.success}` : r.failure.reason._tag
      }
    }
    default:
      return async () => "ok"
  }
}

describe("FileTokenStore durable reopen", () => {
  it("[R8][R1][GROUP-MEMBERSHIP][DELETE-IRREVERSIBLE] random operations, reopens and compactions: same answers and same state as the memory store", async () => {
    const runs = numRuns(15)
    console.log(`[durable reopen] seed=${seed} runs=${runs}`)
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), async (ops) => {
        const dir = tempDir("prop")
        let store = await run(FileTokenStore.open(dir, { autoCompact: { minDeadBytes: 2048, deadRatio: 0.3 } }))
        const model = MemoryTokenStore.make()
        try {
          for (const op of ops) {
            if (op.k === "reopen") {
              const before = await run(dump(store, universe))
              await run(store.close())
              store = await run(FileTokenStore.open(dir, { autoCompact: { minDeadBytes: 2048, deadRatio: 0.3 } }))
              expect(await run(dump(store, universe))).toEqual(before)
              continue
            }
            if (op.k === "compact") {
              await run(store.compact())
              continue
            }
            const call = await prepare(model, op)
            const expected = await call(model)
            const actual = await call(store)
            expect(actual).toBe(expected)
          }
          expect(await run(dump(store, universe))).toEqual(await run(dump(model, universe)))
          await run(store.close())
          const reopened = await run(FileTokenStore.open(dir))
          expect(await run(dump(reopened, universe))).toEqual(await run(dump(model, universe)))
          await run(reopened.close())
        } finally {
          await run(Effect.ignore(store.close()))
        }
      }),
      { seed, numRuns: runs }
    )
  })
})
