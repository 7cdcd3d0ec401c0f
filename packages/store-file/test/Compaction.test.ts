import { TokenRecord as TR } from "@tokenvault/core"
import type { Group } from "@tokenvault/core"
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import { Effect } from "effect"
import * as fs from "node:fs"
import { afterAll, describe, expect, it } from "vitest"
import * as FileTokenStore from "../src/FileTokenStore.ts"
import { cleanup, dump, foundIn, merchant, record, run, tempDir, type Universe } from "./support.ts"

afterAll(cleanup)

const N = 60

const universe: Universe = {
  tokens: Array.from({ length: N }, (_, i) => record(i).token),
  requests: Array.from({ length: N }, (_, i) => ["m1", `req-${i}`] as const),
  merchants: ["m1"],
  groups: ["g1"],
  customers: Array.from({ length: 7 }, (_, i) => `cust-${i}`),
  fingerprints: Array.from({ length: N }, (_, i) => record(i).fingerprint!)
}

/** What must never survive a deleted record: its sealed data, its fingerprint, its display data. */
const secretsOf = (i: number): Array<string> => {
  const r = record(i)
  return [r.sealed!.ciphertext, r.fingerprint!, r.maskedPan]
}

describe("secure compaction", () => {
  it("[DELETE-IRREVERSIBLE][NO-PAN-LEAK][R6] after delete + compaction no byte of the directory holds a deleted record's ciphertext, fingerprint or masked PAN; tombstones keep the token value", async () => {
    const dir = tempDir("secure")
    const store = await run(FileTokenStore.open(dir, { autoCompact: false }))
    const model = MemoryTokenStore.make()
    await run(store.putMerchant(merchant("m1", "AA")))
    await run(model.putMerchant(merchant("m1", "AA")))
    for (let i = 0; i < N; i++) {
      await run(store.insert(record(i)))
      await run(model.insert(record(i)))
    }
    // Update some first (older versions of deleted records are in the journal too), then delete every third.
    const deleted = Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 === 0)
    for (const i of deleted) {
      for (const s of [store, model]) {
        const r = await run(s.get(record(i).token))
        await run(s.update({ ...r!, status: "SUSPENDED", version: r!.version + 1 }))
        const again = await run(s.get(record(i).token))
        await run(s.update(TR.toTombstone(again!, { reason: "DEREGISTERED", on: "2025-08-01" as never })))
      }
    }
    const secrets = deleted.flatMap(secretsOf)
    // Before compaction the journal still holds them (the scan works).
    expect(foundIn(dir, secrets).length).toBe(secrets.length)
    const report = await run(store.compact())
    expect(report.records).toBe(N)
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore)
    expect(foundIn(dir, secrets)).toEqual([])
    // Live records' data is there; deleted tokens stay as tombstones (values are never reissued).
    const live = Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 !== 0)
    expect(foundIn(dir, live.flatMap(secretsOf)).length).toBe(live.length * 3)
    expect(foundIn(dir, deleted.map((i) => record(i).token)).length).toBe(deleted.length)
    expect((await Effect.runPromise(Effect.flip(store.insert(record(0))))).reason).toMatchObject({ _tag: "Duplicate", constraint: "token" })
    expect(await run(dump(store, universe))).toEqual(await run(dump(model, universe)))
    await run(store.close())
    expect(foundIn(dir, secrets)).toEqual([])
    const reopened = await run(FileTokenStore.open(dir))
    expect(await run(dump(reopened, universe))).toEqual(await run(dump(model, universe)))
    await run(reopened.close())
  })

  it("[R6] automatic compaction runs once dead space passes the threshold, and writes keep flowing during it", async () => {
    const dir = tempDir("auto")
    const store = await run(FileTokenStore.open(dir, { autoCompact: { minDeadBytes: 16 * 1024, deadRatio: 0.5 } }))
    await run(store.putMerchant(merchant("m1", "AA")))
    for (let i = 0; i < 20; i++) await run(store.insert(record(i)))
    // Flip statuses back and forth, concurrently: each update makes the previous version dead.
    for (let round = 0; round < 12; round++) {
      await run(Effect.forEach(Array.from({ length: 20 }, (_, i) => i), (i) =>
        Effect.flatMap(store.get(record(i).token), (r) =>
          store.update({ ...r!, status: r!.status === "ACTIVE" ? "SUSPENDED" : "ACTIVE", version: r!.version + 1 })), { concurrency: 20, discard: true }))
    }
    const stats = await run(store.stats())
    expect(stats.compactions).toBeGreaterThan(0)
    expect(stats.generation).toBeGreaterThan(1)
    const versions = await run(Effect.forEach(Array.from({ length: 20 }, (_, i) => i), (i) => store.get(record(i).token)))
    // close waits for a compaction in progress; then one generation is left.
    await run(store.close())
    expect(fs.readdirSync(dir).filter((n) => n.startsWith("journal-"))).toHaveLength(1)
    const reopened = await run(FileTokenStore.open(dir))
    expect(await run(Effect.forEach(Array.from({ length: 20 }, (_, i) => i), (i) => reopened.get(record(i).token)))).toEqual(versions)
    await run(reopened.close())
  })

  it("[GROUP-MEMBERSHIP][R6] compaction keeps groups, memberships, scopes and cursors exactly", async () => {
    const dir = tempDir("groups")
    const store = await run(FileTokenStore.open(dir, { autoCompact: false }))
    await run(store.putMerchant(merchant("m1", "AA")))
    await run(store.putMerchant(merchant("m2", "BB")))
    await run(store.createGroup("g1"))
    await run(store.createGroup("g2"))
    for (let i = 0; i < 30; i++) await run(store.insert(record(i, { merchantId: i % 2 === 0 ? "m1" : "m2" })))
    await run(store.changeMembership({ merchantId: "m1", groupId: "g1", rescope: { owner: "m1", from: "merchant:m1", to: "group:g1" } }))
    await run(store.changeMembership({ merchantId: "m2", groupId: "g1", rescope: undefined }))
    const u: Universe = { ...universe, merchants: ["m1", "m2"], groups: ["g1", "g2"], requests: [["m1", "req-2"], ["m2", "req-3"]] }
    const before = await run(dump(store, u))
    await run(store.compact())
    expect(await run(dump(store, u))).toEqual(before)
    // Leaving with tokens after a compaction re-scopes exactly the owner's tokens.
    expect(await run(store.changeMembership({ merchantId: "m1", groupId: undefined, rescope: { owner: "m1", from: "group:g1", to: "merchant:m1" } })))
      .toBe(15)
    const afterLeave = await run(dump(store, u))
    await run(store.close())
    const reopened = await run(FileTokenStore.open(dir))
    expect(await run(dump(reopened, u))).toEqual(afterLeave)
    expect((await run(reopened.listByScope("group:g1" as Group.Scope, { limit: 100 }))).items).toEqual([])
    await run(reopened.close())
  })
})
