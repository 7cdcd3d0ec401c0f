import type { Group } from "@tokenvault/core"
import { TokenRecord as TR } from "@tokenvault/core"
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import * as FileTokenStore from "../src/FileTokenStore.ts"
import { crc32c } from "../src/internal/crc32c.ts"
import * as JournalFormat from "../src/JournalFormat.ts"
import {
  cleanup,
  copyDir,
  dump,
  type Dump,
  failureOf,
  journalFile,
  merchant,
  prng,
  record,
  run,
  seed,
  tempDir,
  type Universe
} from "./support.ts"

afterAll(cleanup)

type Step = (store: TokenStore.Service) => Effect.Effect<unknown, TokenStore.TokenStoreError>

const N = 40

/** A script of single-frame operations: merchants, a group, inserts, request-key bindings, updates, tombstones, a membership change. */
const script = (): Array<Step> => {
  const steps: Array<Step> = [
    (s) => s.putMerchant(merchant("m1", "AA")),
    (s) => s.putMerchant(merchant("m2", "BB")),
    (s) => s.createGroup("g1")
  ]
  for (let i = 0; i < N; i++) steps.push((s) => s.insert(record(i, { merchantId: i % 2 === 0 ? "m1" : "m2" })))
  // m1's key req-i of an odd i is free (record i is m2's): bound to the next record.
  for (let i = 1; i < N; i += 8) {
    steps.push((s) => s.bindRequestId({ merchantId: "m1", merchantRequestId: `req-${i}`, token: record(i + 1).token, requestDigest: `d-${i}` }))
  }
  for (let i = 0; i < N; i += 3) {
    steps.push((s) =>
      Effect.flatMap(s.get(record(i).token), (r) => s.update({ ...r!, status: "SUSPENDED", version: r!.version + 1 }))
    )
  }
  steps.push((s) => s.changeMembership({ merchantId: "m1", groupId: "g1", rescope: { owner: "m1", from: "merchant:m1", to: "group:g1" } }))
  for (let i = 1; i < N; i += 5) {
    steps.push((s) =>
      Effect.flatMap(s.get(record(i).token), (r) => s.update(TR.toTombstone(r!, { reason: "DEREGISTERED", on: "2025-04-01" as never })))
    )
  }
  // The last two: a tombstone (a record frame) and a group (a small frame).
  steps.push((s) => Effect.flatMap(s.get(record(2).token), (r) => s.update(TR.toTombstone(r!, { reason: "RETENTION", on: "2025-05-01" as never }))))
  steps.push((s) => s.createGroup("g2"))
  return steps
}

const universe: Universe = {
  tokens: Array.from({ length: N + 2 }, (_, i) => record(i).token),
  requests: ["m1", "m2"].flatMap((m) => Array.from({ length: N + 2 }, (_, i) => [m, `req-${i}`] as const)),
  merchants: ["m1", "m2"],
  groups: ["g1", "g2"],
  customers: Array.from({ length: 7 }, (_, i) => `cust-${i}`),
  fingerprints: Array.from({ length: 6 }, (_, i) => record(i).fingerprint!)
}

/** Runs the script on a fresh store (durability none: the bytes are the same, only faster) and on a model, with the model's dump after each prefix. */
const build = async (): Promise<{ dir: string; prefixes: Array<Dump>; steps: Array<Step> }> => {
  const dir = tempDir("recovery")
  const store = await run(FileTokenStore.open(dir, { durability: "none", autoCompact: false }))
  const model = MemoryTokenStore.make()
  const steps = script()
  const prefixes: Array<Dump> = [await run(dump(model, universe))]
  for (const step of steps) {
    await run(step(store))
    await run(step(model))
    prefixes.push(await run(dump(model, universe)))
  }
  await run(store.close())
  return { dir, prefixes, steps }
}

const writeJournal = (bytes: Uint8Array, name = "journal-0000000001.tvj"): string => {
  const dir = tempDir("case")
  fs.writeFileSync(path.join(dir, name), bytes)
  return dir
}

describe("recovery", () => {
  it("[R3] torn tail: a cut at every byte of the last two records recovers exactly the complete prefix, truncates, and takes appends", async () => {
    const { dir, prefixes, steps } = await build()
    const bytes = fs.readFileSync(journalFile(dir))
    const { frames } = JournalFormat.scan(bytes)
    expect(frames.length).toBe(steps.length)
    const secondLast = frames[frames.length - 2]!
    const extra = record(900, { merchantId: "m2" })
    let cases = 0
    for (let cut = secondLast.offset; cut < bytes.length; cut++) {
      const d = writeJournal(bytes.subarray(0, cut))
      const complete = frames.filter((f) => f.end <= cut)
      const goodEnd = complete.length === 0 ? JournalFormat.headerBytes : complete[complete.length - 1]!.end
      const store = await run(FileTokenStore.open(d, { durability: "none" }))
      expect(await run(dump(store, universe))).toEqual(prefixes[complete.length])
      const stats = await run(store.stats())
      expect(stats.recovery.truncatedBytes).toBe(cut - goodEnd)
      expect(fs.statSync(journalFile(d)).size).toBe(goodEnd)
      await run(store.insert(extra))
      expect(await run(store.get(extra.token))).toEqual(extra)
      await run(store.close())
      // The append landed right after the good prefix: a reopen finds it with nothing to cut (checked on a sample of cuts).
      if (cut % 16 === 0 || complete.length !== frames.length - 2 || cut === secondLast.offset) {
        const again = await run(FileTokenStore.open(d, { durability: "none" }))
        expect(await run(again.get(extra.token))).toEqual(extra)
        expect((await run(again.stats())).recovery.truncatedBytes).toBe(0)
        await run(again.close())
      }
      fs.rmSync(d, { recursive: true, force: true })
      cases++
    }
    expect(cases).toBe(bytes.length - secondLast.offset)
  })

  it("[R4] mid-file corruption: one flipped bit in each of 100 sampled non-tail records is always reported Corrupt", async () => {
    const { dir } = await build()
    const bytes = fs.readFileSync(journalFile(dir))
    const { frames } = JournalFormat.scan(bytes)
    const random = prng(seed)
    const candidates = frames.slice(0, -1)
    let reported = 0
    for (let k = 0; k < 100; k++) {
      const f = candidates[Math.floor(random() * candidates.length)]!
      const at = f.offset + Math.floor(random() * (f.end - f.offset))
      const bit = Math.floor(random() * 8)
      const copy = Buffer.from(bytes)
      copy[at]! ^= 1 << bit
      const e = await failureOf(FileTokenStore.open(writeJournal(copy)))
      expect(e._tag).toBe("TokenStoreError")
      expect(e.reason._tag).toBe("Corrupt")
      reported++
    }
    expect(reported).toBe(100)
  })

  it("[R4][R10] header damage, unsupported versions, gaps, duplicates and foreign frames are Corrupt", async () => {
    const { dir } = await build()
    const bytes = fs.readFileSync(journalFile(dir))
    const { frames, header } = JournalFormat.scan(bytes)
    if (typeof header === "string") throw new Error(header)
    const cases: Array<[string, Uint8Array]> = []
    for (let i = 0; i < JournalFormat.headerBytes; i += 7) {
      const copy = Buffer.from(bytes)
      copy[i]! ^= 0x10
      cases.push([`header byte ${i}`, copy])
    }
    // Other format versions (1 had JSON records; 4 is unknown), with a good header checksum: refused, never misread.
    for (const v of [1, 4]) {
      const other = Buffer.from(bytes)
      other.writeUInt32LE(v, 8)
      other.writeUInt32LE(crc32c(other, 0, 0, 60), 60)
      cases.push([`version ${v} (checksum fixed)`, other])
    }
    const f3 = frames[3]!
    const f4 = frames[4]!
    cases.push(["a duplicated frame", Buffer.concat([bytes.subarray(0, f4.offset), bytes.subarray(f3.offset, f3.end), bytes.subarray(f4.offset)])])
    cases.push(["a missing frame", Buffer.concat([bytes.subarray(0, f3.offset), bytes.subarray(f4.offset)])])
    cases.push(["swapped frames", Buffer.concat([bytes.subarray(0, f3.offset), bytes.subarray(f4.offset, f4.end), bytes.subarray(f3.offset, f3.end), bytes.subarray(f4.end)])])
    // The same frames under another journal id: every checksum is seeded by the id.
    const foreign = Buffer.from(bytes)
    foreign.set(JournalFormat.encodeHeader({ flags: 0, generation: 1, firstSequence: 1, journalId: new Uint8Array(16).fill(7) }))
    cases.push(["frames of another journal", foreign])
    cases.push(["shorter than a header", bytes.subarray(0, 30)])
    // A frame with a good checksum and a bad payload.
    const bad = Buffer.alloc(f3.end - f3.offset + 64)
    const junk = Buffer.from(JSON.stringify({ o: "i", r: { token: 1 } }))
    const end = JournalFormat.writeFrame(bad, 0, JournalFormat.checksumSeed(header.journalId), f3.sequence, junk)
    cases.push(["a well-framed invalid operation", Buffer.concat([bytes.subarray(0, f3.offset), bad.subarray(0, end), bytes.subarray(f4.offset)])])
    for (const [name, b] of cases) {
      const e = await failureOf(FileTokenStore.open(writeJournal(b)))
      expect({ name, reason: e.reason._tag }).toEqual({ name, reason: "Corrupt" })
    }
  })

  it("[I2] random truncations and bit flips either open to an exact prefix of the history or are Corrupt, never anything else", async () => {
    const { dir, prefixes } = await build()
    const bytes = fs.readFileSync(journalFile(dir))
    const random = prng(seed ^ 0x5eed)
    for (let k = 0; k < 150; k++) {
      let b: Buffer = Buffer.from(bytes)
      const kind = Math.floor(random() * 3)
      if (kind !== 1) b = b.subarray(0, JournalFormat.headerBytes + Math.floor(random() * (b.length - JournalFormat.headerBytes)))
      if (kind !== 0) {
        const at = Math.floor(random() * b.length)
        b[at]! ^= 1 << Math.floor(random() * 8)
      }
      const exit = await Effect.runPromise(Effect.result(FileTokenStore.open(writeJournal(b), { durability: "none" })))
      if (exit._tag === "Failure") {
        expect(exit.failure.reason._tag).toBe("Corrupt")
        continue
      }
      const got = await run(dump(exit.success, universe))
      await run(exit.success.close())
      expect(prefixes.some((p) => JSON.stringify(p) === JSON.stringify(got))).toBe(true)
    }
  })

  it("[R10][IDEMPOTENCY] a version 2 journal opens and is rewritten as version 3 (a new generation, the same state); a version 2 journal holding a request key is Corrupt", async () => {
    const { dir, prefixes } = await build()
    const bytes = fs.readFileSync(journalFile(dir))
    const asVersion2 = (b: Uint8Array): Buffer => {
      const copy = Buffer.from(b)
      copy.writeUInt32LE(2, 8)
      copy.writeUInt32LE(crc32c(copy, 0, 0, 60), 60)
      return copy
    }
    // The script's history up to its first binding holds no key: a file a version 2 store could have written.
    const { frames } = JournalFormat.scan(bytes)
    const firstBind = frames.findIndex((f) => f.json?.startsWith('{"o":"k"') === true)
    expect(firstBind).toBeGreaterThan(0)
    const older = writeJournal(asVersion2(bytes.subarray(0, frames[firstBind]!.offset)))
    const store = await run(FileTokenStore.open(older, { durability: "none" }))
    expect(await run(dump(store, universe))).toEqual(prefixes[firstBind])
    expect((await run(store.stats())).generation).toBe(2)
    await run(store.bindRequestId({ merchantId: "m1", merchantRequestId: "req-1", token: record(2).token, requestDigest: "d" }))
    await run(store.close())
    const header = JournalFormat.decodeHeader(fs.readFileSync(journalFile(older)))
    expect(typeof header === "string" ? header : header.version).toBe(JournalFormat.version)
    const again = await run(FileTokenStore.open(older, { durability: "none" }))
    expect(await run(again.getRequestKey("m1", "req-1"))).toEqual({ merchantId: "m1", merchantRequestId: "req-1", token: record(2).token, requestDigest: "d" })
    await run(again.close())
    expect((await failureOf(FileTokenStore.open(writeJournal(asVersion2(bytes))))).reason._tag).toBe("Corrupt")
  })

  it("[IDEMPOTENCY][DELETE-IRREVERSIBLE] request keys are kept through compaction and reopen, their tokens deleted or not", async () => {
    const { dir, prefixes } = await build()
    const store = await run(FileTokenStore.open(dir, { durability: "none" }))
    await run(store.compact())
    expect(await run(dump(store, universe))).toEqual(prefixes[prefixes.length - 1])
    await run(store.close())
    const again = await run(FileTokenStore.open(dir, { durability: "none" }))
    const state = await run(dump(again, universe))
    expect(state).toEqual(prefixes[prefixes.length - 1])
    expect(state.keys.filter((k) => k !== undefined && k.requestDigest?.startsWith("d-")).length).toBe(Math.ceil((N - 1) / 8))
    expect((await failureOf(again.bindRequestId({ merchantId: "m1", merchantRequestId: "req-1", token: record(0).token, requestDigest: "x" }))).reason)
      .toMatchObject({ _tag: "Duplicate", constraint: "merchantRequestId" })
    await run(again.close())
  })

  it("[R3][GROUP-MEMBERSHIP] a multi-frame membership change cut anywhere is cut away whole", async () => {
    const dir = tempDir("multi")
    const store = await run(FileTokenStore.open(dir, { durability: "none", autoCompact: false }))
    await run(store.putMerchant(merchant("big", "BG")))
    await run(store.createGroup("g"))
    const long = (i: number) => record(i, { merchantId: "big", token: `T${String(i).padStart(8, "0")}${"x".repeat(300)}`, merchantRequestId: undefined })
    for (let i = 0; i < 4000; i += 500) {
      await run(Effect.forEach(Array.from({ length: 500 }, (_, k) => long(i + k)), (r) => store.insert(r), { concurrency: 50, discard: true }))
    }
    await run(store.changeMembership({ merchantId: "big", groupId: "g", rescope: { owner: "big", from: "merchant:big", to: "group:g" } }))
    await run(store.close())
    const bytes = fs.readFileSync(journalFile(dir))
    const { frames } = JournalFormat.scan(bytes)
    const last = frames[frames.length - 1]!
    const cont = frames[frames.length - 2]!
    expect(JSON.parse(cont.json!).o).toBe("mt")
    expect(JSON.parse(last.json!).o).toBe("m")
    for (const cut of [cont.offset + 5, cont.offset + 1000, cont.end - 1, cont.end, cont.end + 3, last.offset + 100, bytes.length - 1]) {
      const d = writeJournal(bytes.subarray(0, cut))
      const s = await run(FileTokenStore.open(d, { durability: "none" }))
      expect((await run(s.getMerchant("big")))?.groupId).toBeUndefined()
      expect((await run(s.listByScope("group:g" as Group.Scope, { limit: 10 }))).items).toEqual([])
      expect((await run(s.listByScope("merchant:big" as Group.Scope, { limit: 10 }))).items.length).toBe(10)
      expect(fs.statSync(journalFile(d)).size).toBe(cont.offset)
      await run(s.close())
    }
    const whole = await run(FileTokenStore.open(writeJournal(bytes), { durability: "none" }))
    expect((await run(whole.getMerchant("big")))?.groupId).toBe("g")
    await run(whole.close())
  })

  it("[R6] leftover temp files and an older generation (compaction cut short after its rename) are removed on open", async () => {
    const { dir, prefixes } = await build()
    const older = fs.readFileSync(journalFile(dir))
    const store = await run(FileTokenStore.open(dir))
    await run(store.compact())
    await run(store.close())
    const d = copyDir(dir)
    fs.writeFileSync(path.join(d, "journal-0000000001.tvj"), older)
    fs.writeFileSync(path.join(d, "journal-0000000003.tvj.tmp"), "half a snapshot")
    fs.writeFileSync(path.join(d, "LOCK.999999999.abcdef.tmp"), "{}")
    const s = await run(FileTokenStore.open(d))
    expect(await run(dump(s, universe))).toEqual(prefixes[prefixes.length - 1])
    expect(fs.readdirSync(d).sort()).toEqual(["LOCK", "journal-0000000002.tvj"])
    await run(s.close())
  })

  it("[R6][R4] a compacted file cut inside its snapshot is Corrupt (a snapshot is never torn), after it is tail-tolerant", async () => {
    const { dir, prefixes } = await build()
    const store = await run(FileTokenStore.open(dir))
    await run(store.compact())
    await run(store.insert(record(901)))
    await run(store.close())
    const name = path.basename(journalFile(dir))
    expect(name).toBe("journal-0000000002.tvj")
    const bytes = fs.readFileSync(journalFile(dir))
    const { frames, header } = JournalFormat.scan(bytes)
    expect(typeof header !== "string" && header.flags & JournalFormat.flagSnapshot).toBeTruthy()
    const end = frames.findIndex((f) => f.json !== undefined && JSON.parse(f.json).o === "se")
    expect(end).toBeGreaterThan(0)
    for (const cut of [frames[0]!.offset + 10, frames[end]!.offset, frames[end]!.end - 1]) {
      const e = await failureOf(FileTokenStore.open(writeJournal(bytes.subarray(0, cut), name)))
      expect(e.reason._tag).toBe("Corrupt")
    }
    // Cut inside the frame after the snapshot: a torn tail.
    const s = await run(FileTokenStore.open(writeJournal(bytes.subarray(0, bytes.length - 3), name)))
    expect(await run(dump(s, universe))).toEqual(prefixes[prefixes.length - 1])
    expect(await run(s.get(record(901).token))).toBeUndefined()
    await run(s.close())
  })
})
