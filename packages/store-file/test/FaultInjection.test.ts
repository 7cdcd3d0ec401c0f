import { TokenRecord as TR } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as FileSystem from "../src/FileSystem.ts"
import * as FileTokenStore from "../src/FileTokenStore.ts"
import * as JournalFormat from "../src/JournalFormat.ts"
import { cleanup, copyDir, dump, type Dump, journalFile, merchant, record, run, tempDir, type Universe } from "./support.ts"

afterAll(cleanup)

const universe: Universe = {
  tokens: Array.from({ length: 12 }, (_, i) => record(i).token).concat([record(50).token, record(51).token, record(52).token]),
  requests: [["m1", "req-1"], ["m1", "req-50"], ["m2", "req-51"]],
  merchants: ["m1", "m2", "m3"],
  groups: ["g1", "g2"],
  customers: ["cust-0", "cust-1", "cust-3"],
  fingerprints: [record(1).fingerprint!, record(50).fingerprint!]
}

type Script = {
  readonly name: string
  readonly op: (store: FileTokenStore.FileTokenStore) => Effect.Effect<unknown, TokenStore.TokenStoreError>
}

const scripts: ReadonlyArray<Script> = [
  { name: "insert", op: (s) => s.insert(record(50)) },
  { name: "status update", op: (s) => Effect.flatMap(s.get(record(1).token), (r) => s.update({ ...r!, status: "SUSPENDED", version: r!.version + 1 })) },
  {
    name: "tombstone",
    op: (s) => Effect.flatMap(s.get(record(2).token), (r) => s.update(TR.toTombstone(r!, { reason: "DEREGISTERED", on: "2025-07-01" as never })))
  },
  { name: "put merchant", op: (s) => s.putMerchant(merchant("m3", "CC")) },
  { name: "create group", op: (s) => s.createGroup("g2") },
  { name: "membership change", op: (s) => s.changeMembership({ merchantId: "m1", groupId: "g1", rescope: { owner: "m1", from: "merchant:m1", to: "group:g1" } }) },
  { name: "three concurrent inserts", op: (s) => Effect.all([s.insert(record(50)), s.insert(record(51, { merchantId: "m2" })), s.insert(record(52))], { concurrency: 3 }) },
  { name: "compaction", op: (s) => s.compact() }
]

const codes: ReadonlyArray<FileSystem.FaultCode> = ["EIO", "ENOSPC", "EACCES"]

/** Every code one-shot; EIO also persistent (the codes take the same paths, so CI runs persistent mode once). */
const plans: ReadonlyArray<readonly [FileSystem.FaultCode, boolean]> = [
  ...codes.map((c) => [c, false] as const),
  ...(process.env["FAULTS_ALL"] === "1" ? codes : ["EIO" as const]).map((c) => [c, true] as const)
]

let base = ""
let before: Dump

beforeAll(async () => {
  base = tempDir("fault-base")
  const store = await run(FileTokenStore.open(base, { durability: "none" }))
  await run(store.putMerchant(merchant("m1", "AA")))
  await run(store.putMerchant(merchant("m2", "BB")))
  await run(store.createGroup("g1"))
  for (let i = 0; i < 12; i++) await run(store.insert(record(i, { merchantId: i % 3 === 0 ? "m2" : "m1" })))
  const r = await run(store.get(record(4).token))
  await run(store.update(TR.toTombstone(r!, { reason: "RETENTION", on: "2025-06-01" as never })))
  before = await run(dump(store, universe))
  await run(store.close())
})

/** The state after a script on a healthy file system. */
const expectedAfter = async (script: Script): Promise<Dump> => {
  const d = copyDir(base, "fault-after")
  const store = await run(FileTokenStore.open(d, { autoCompact: false }))
  await run(script.op(store))
  const out = await run(dump(store, universe))
  await run(store.close())
  return out
}

const reopenDump = async (dir: string): Promise<Dump> => {
  const store = await run(FileTokenStore.open(dir))
  const out = await run(dump(store, universe))
  await run(store.close())
  return out
}

describe("I/O errors injected through the file-system seam (SQLite's loop)", () => {
  for (const script of scripts) {
    it(`[R5] ${script.name}: EIO, ENOSPC, EACCES at fs call 1, 2, … (one-shot; EIO persistent too) surface typed; reopened state is before or after; fsync failures poison`, async () => {
      const after = await expectedAfter(script)
      let cases = 0
      for (const [code, persistent] of plans) {
        for (let n = 1; n < 200; n++) {
          const dir = copyDir(base, "fault")
          const faulty = FileSystem.withFaults(FileSystem.node)
          const store = await run(FileTokenStore.open(dir, { fileSystem: faulty.fileSystem, autoCompact: false }))
          faulty.arm({ at: n, code, persistent })
          const result = await Effect.runPromise(Effect.result(script.op(store)))
          const injected = faulty.injected()
          const calls = faulty.calls()
          faulty.disarm()
          const stats = await run(store.stats())
          if (result._tag === "Failure") {
            expect(result.failure._tag).toBe("TokenStoreError")
            expect(result.failure.reason._tag).toBe("Unavailable")
          }
          if (injected.includes("datasync") || injected.includes("syncDirectory") || injected.includes("write")) {
            // A failed write or fsync poisons, unless compaction failed before its switch (the journal untouched).
            const compactionBeforeSwitch = script.name === "compaction" && !calls.slice(0, calls.indexOf(injected[0]!)).includes("rename")
            if (!compactionBeforeSwitch) {
              expect(stats.poisoned).toBeDefined()
              const refused = await Effect.runPromise(Effect.flip(store.insert(record(77))))
              expect(refused.reason).toMatchObject({ _tag: "Unavailable", detail: "poisoned" })
              expect((await Effect.runPromise(Effect.flip(store.get(record(1).token)))).reason._tag).toBe("Unavailable")
            }
          }
          await Effect.runPromise(Effect.ignore(store.close()))
          const state = await reopenDump(dir)
          if (result._tag === "Success") expect(state).toEqual(after)
          else expect([before, after]).toContainEqual(state)
          fs.rmSync(dir, { recursive: true, force: true })
          cases++
          if (injected.length === 0) break
        }
      }
      expect(cases).toBeGreaterThan(6)
    }, 120_000)
  }

  it("[R5][R2] open and recovery (with a torn tail to cut) under injected faults fail typed, release the lock, and a clean reopen recovers", async () => {
    const torn = copyDir(base, "fault-torn")
    const bytes = fs.readFileSync(journalFile(torn))
    // A torn append: the first bytes of a frame (here a copy of the last one), cut short.
    const last = JournalFormat.scan(bytes).frames.at(-1)!
    fs.writeFileSync(journalFile(torn), Buffer.concat([bytes, bytes.subarray(last.offset, last.end - 20)]))
    let cases = 0
    for (const [code, persistent] of plans) {
      for (let n = 1; n < 200; n++) {
        const dir = copyDir(torn, "fault-open")
        const faulty = FileSystem.withFaults(FileSystem.node)
        faulty.arm({ at: n, code, persistent })
        const result = await Effect.runPromise(Effect.result(FileTokenStore.open(dir, { fileSystem: faulty.fileSystem })))
        const injected = faulty.injected()
        faulty.disarm()
        if (result._tag === "Success") await run(result.success.close())
        else {
          expect(result.failure.reason._tag).toBe("Unavailable")
          // A failed open releases the lock; only a persistent fault can keep it from being removed,
          // and then a restarted process (here: a dead pid) finds it stale and breaks it.
          if (!persistent) expect(fs.existsSync(`${dir}/LOCK`)).toBe(false)
          if (fs.existsSync(`${dir}/LOCK`)) {
            fs.writeFileSync(`${dir}/LOCK`, JSON.stringify({ pid: 2 ** 22 + 1, origin: 0, host: os.hostname(), nonce: "00" }))
          }
        }
        expect(await reopenDump(dir)).toEqual(before)
        fs.rmSync(dir, { recursive: true, force: true })
        cases++
        if (injected.length === 0) break
      }
    }
    expect(cases).toBeGreaterThan(20)
  }, 120_000)

  it("[R5] after a failed durable (O_DSYNC) journal write the store is poisoned: it never retries and refuses every call until reopened", async () => {
    const dir = copyDir(base, "poison")
    const faulty = FileSystem.withFaults(FileSystem.node)
    const store = await run(FileTokenStore.open(dir, { fileSystem: faulty.fileSystem }))
    faulty.arm({ at: 1, code: "EIO", persistent: false })
    const e = await Effect.runPromise(Effect.flip(store.insert(record(50))))
    expect(faulty.injected()).toEqual(["write"])
    expect(e.reason._tag).toBe("Unavailable")
    expect((await run(store.stats())).poisoned).toContain("journal durable write")
    faulty.arm({ at: 10_000, code: "EIO", persistent: false })
    for (const call of [store.insert(record(51)), store.get(record(1).token), store.createGroup("g9"), store.compact()] as Array<Effect.Effect<unknown, TokenStore.TokenStoreError>>) {
      const refused = await Effect.runPromise(Effect.flip(call))
      expect(refused.reason).toMatchObject({ _tag: "Unavailable", detail: "poisoned" })
    }
    expect(faulty.calls()).toEqual([])
    // The synchronous reads answer nothing either: their callers take the effectful read, which refuses.
    expect(store.peek!.record(record(1).token)).toBeUndefined()
    expect(store.peek!.merchant("m1")).toBeUndefined()
    await run(store.close())
    expect(faulty.calls()).not.toContain("datasync")
    const state = await reopenDump(dir)
    expect(state.records.slice(0, 12)).toEqual(before.records.slice(0, 12))
  })

  it("[R5][R6] a compaction that fails before its rename leaves the journal as it was and the store writable", async () => {
    const dir = copyDir(base, "compact-fail")
    const faulty = FileSystem.withFaults(FileSystem.node)
    const store = await run(FileTokenStore.open(dir, { fileSystem: faulty.fileSystem }))
    faulty.arm({ at: 2, code: "ENOSPC", persistent: false })
    const e = await Effect.runPromise(Effect.flip(store.compact()))
    expect(faulty.injected()).toEqual(["write"])
    expect(e.reason._tag).toBe("Unavailable")
    faulty.disarm()
    expect((await run(store.stats())).poisoned).toBeUndefined()
    await run(store.insert(record(50)))
    await run(store.close())
    expect(fs.readdirSync(dir).sort()).toEqual(["journal-0000000001.tvj"])
    const again = await run(FileTokenStore.open(dir))
    expect(await run(again.get(record(50).token))).toEqual(record(50))
    await run(again.close())
  })
})
