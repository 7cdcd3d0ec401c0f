/**
 * The server crashes under load (`pg_ctl stop -m immediate` through
 * `.ci/postgres.sh kill`) and comes back. This file runs its own private
 * cluster (it kills it), started with the same script as CI's.
 *
 * No wall-clock sleeps: the phases move on events (enough acknowledged
 * writes; every writer has seen the outage; every writer has written again).
 */
import type { TokenRecord } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { execFile } from "node:child_process"
import { chmodSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PostgresTokenStore } from "../src/index.ts"
import { type Outcome, outcome, run } from "./support/effect.ts"
import { parseStartOutput, serverScript } from "./support/postgres.ts"
import { next, record } from "./support/records.ts"

const exec = promisify(execFile)
const server = async (...args: Array<string>): Promise<string> =>
  (await exec(serverScript, args, { encoding: "utf8", timeout: 900_000 })).stdout

let parent: string
let dir: string
let url: string

beforeAll(async () => {
  parent = mkdtempSync(path.join(tmpdir(), "tokenvault-pg-restart-"))
  chmodSync(parent, 0o755) // the server's unprivileged user must reach the cluster
  dir = path.join(parent, "cluster")
  url = parseStartOutput(await server("start", "--dir", dir)).url
}, 900_000)

afterAll(async () => {
  if (dir !== undefined) await server("stop", "--dir", dir).catch(() => undefined)
  if (parent !== undefined) rmSync(parent, { recursive: true, force: true })
}, 120_000)

/** A condition the test waits for, re-checked whenever something happens. */
const signals = () => {
  const waiters: Array<{ readonly check: () => boolean; readonly resolve: () => void }> = []
  return {
    poke: () => {
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i]!.check()) waiters.splice(i, 1)[0]!.resolve()
      }
    },
    until: (check: () => boolean): Promise<void> =>
      check() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ check, resolve }))
  }
}

const describeOutcome = (o: Outcome<unknown>): string =>
  o._tag === "Success" ? "success" : o._tag === "Defect" ? `defect ${String(o.defect)}` : `TokenStoreError ${o.error.reason._tag}`

describe("server restart", () => {
  it("[PG4][DELETE-IRREVERSIBLE][IDEMPOTENCY] killed mid-load and restarted: no acknowledged write lost, typed Unavailable during the outage, service resumes", async () => {
    const store = await run(
      PostgresTokenStore.make({ connectionString: url, schema: "restart", pool: { max: 8, connectTimeoutMs: 3_000 } })
    )
    await run(store.migrate())
    await run(store.putMerchant({ merchantId: "m1", prefix: "AAAA", format: "opaque", tokenization: true, luhn: "enforce" }))

    const WRITERS = 6
    const acked = new Map<string, TokenRecord.TokenRecord>()
    const unexpected: Array<string> = []
    const s = signals()
    let phase: "before" | "down" | "after" = "before"
    let serverBack!: () => void
    const back = new Promise<void>((resolve) => (serverBack = resolve))
    const parked = new Set<number>()
    const afterRestart = new Array<number>(WRITERS).fill(0)
    let failuresAfterRestart = 0
    let lostAnswerCommitted = 0
    let lostAnswerNotApplied = 0
    let stop = false

    const writer = async (w: number): Promise<void> => {
      const mine: Array<string> = []
      for (let n = 0; !stop; n++) {
        // Alternate: a new record (half with an idempotency key), or a CAS update of one of mine.
        const updating = n % 2 === 1 && mine.length > 0
        const token = updating ? mine[n % mine.length]! : `w${w}-${n}`
        const before = acked.get(token)
        const candidate = updating
          ? next(before!, { status: before!.status === "ACTIVE" ? "SUSPENDED" : "ACTIVE", lastActivity: `2026-02-${String(1 + (n % 28)).padStart(2, "0")}` as never })
          : record(token, { customerId: `c${w}`, ...(n % 4 === 0 ? { merchantRequestId: `r-${token}`, requestDigest: "d" } : {}) })
        const o = await outcome(updating ? store.update(candidate) : store.insert(candidate))
        if (o._tag === "Success") {
          acked.set(token, candidate)
          if (!updating) mine.push(token)
          if (phase === "after") afterRestart[w]!++
          s.poke()
          continue
        }
        if (o._tag !== "Failure" || o.error.reason._tag !== "Unavailable") unexpected.push(`${token}: ${describeOutcome(o)}`)
        if (phase === "after") failuresAfterRestart++
        // The outage: park until the server is back, then learn what became of the write.
        parked.add(w)
        s.poke()
        await back
        const stored = await run(store.get(token))
        if (stored !== undefined && JSON.stringify(stored) === JSON.stringify(candidate)) {
          acked.set(token, candidate) // the write committed though its answer was lost
          if (!updating) mine.push(token)
          lostAnswerCommitted++
        } else if (updating) {
          lostAnswerNotApplied++
          expect(stored, `${token} after an unanswered update`).toStrictEqual(before)
        } else {
          lostAnswerNotApplied++
          expect(stored, `${token} after an unanswered insert`).toBeUndefined()
        }
      }
    }

    const load = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)))

    // 1. Load until a few hundred writes are acknowledged, then crash the server.
    await s.until(() => acked.size >= 150)
    phase = "down"
    await server("kill", "--dir", dir)
    const ackedBeforeCrash = acked.size
    // 2. Every writer has now seen the outage.
    await s.until(() => parked.size === WRITERS)

    // 3. Every operation fails typed (Unavailable) while the server is down, on this store and on a new one.
    const fresh = await run(PostgresTokenStore.make({ connectionString: url, schema: "restart", pool: { connectTimeoutMs: 3_000 } }))
    const some = acked.values().next().value!
    for (const target of [store, fresh]) {
      const calls: ReadonlyArray<readonly [string, () => ReturnType<typeof outcome<unknown>>]> = [
        ["get", () => outcome(target.get(some.token))],
        ["getByRequestId", () => outcome(target.getByRequestId("m1", "r-w0-0"))],
        ["insert", () => outcome(target.insert(record("during-outage")))],
        ["update", () => outcome(target.update(next(some)))],
        ["findByCustomer", () => outcome(target.findByCustomer("merchant:m1", "c0"))],
        ["findByFingerprint", () => outcome(target.findByFingerprint("merchant:m1", "fp-x"))],
        ["listByScope", () => outcome(target.listByScope("merchant:m1", { limit: 10 }))],
        ["dueForPurge", () => outcome(target.dueForPurge("2099-01-01" as never, { limit: 10 }))],
        ["getMerchant", () => outcome(target.getMerchant("m1"))],
        ["putMerchant", () => outcome(target.putMerchant({ merchantId: "m9", prefix: "ZZZZ", format: "opaque", tokenization: true, luhn: "enforce" }))],
        ["listMerchants", () => outcome(target.listMerchants())],
        ["createGroup", () => outcome(target.createGroup("g9"))],
        ["hasGroup", () => outcome(target.hasGroup("g9"))],
        ["changeMembership", () => outcome(target.changeMembership({ merchantId: "m1", groupId: undefined, rescope: undefined }))]
      ]
      for (const [name, call] of calls) {
        const o = await call()
        expect(o._tag === "Failure" ? o.error.reason._tag : describeOutcome(o), `${name} during the outage`).toBe("Unavailable")
      }
    }
    expect((await outcome(fresh.migrate()))._tag).toBe("Failure")

    // 4. Restart (crash recovery replays the WAL) and let the writers go on.
    await server("start", "--dir", dir)
    phase = "after"
    serverBack()
    await s.until(() => afterRestart.every((n) => n >= 15))
    stop = true
    await load

    // 5. Every acknowledged write is there, exactly; nothing else is.
    expect(unexpected).toEqual([])
    expect(failuresAfterRestart).toBe(0)
    for (const [token, r] of acked) expect(await run(store.get(token)), token).toStrictEqual(r)
    const listed: Array<TokenRecord.TokenRecord> = []
    let cursor: string | undefined
    do {
      const page: TokenStore.Page<TokenRecord.TokenRecord> = await run(store.listByScope("merchant:m1", { limit: 1000, cursor }))
      listed.push(...page.items)
      cursor = page.cursor
    } while (cursor !== undefined)
    expect(listed.map((r) => r.token).sort()).toEqual([...acked.keys()].sort())
    expect(await run(fresh.get(some.token))).toStrictEqual(acked.get(some.token))
    console.log(
      `[restart] ${ackedBeforeCrash} records acknowledged before the crash, ${acked.size} at the end, all present; ` +
        `writes in flight at the crash: ${lostAnswerCommitted} had committed, ${lostAnswerNotApplied} had not`
    )
    await run(fresh.end())
    await run(store.end())
  }, 300_000)
})
