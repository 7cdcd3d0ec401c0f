/**
 * Several instances over one database: vault processes racing to tokenize
 * the same card, and store instances (each with its own pool, as separate
 * hosts would have) racing compare-and-set updates against each other and
 * against group moves.
 */
import type { Group, TokenRecord } from "@tokenvault/core"
import { NodeCardCrypto, PromiseVault } from "@tokenvault/vault"
import * as TokenStore from "@tokenvault/vault/TokenStore"
import { Redacted } from "effect"
import { type ChildProcess, fork } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { PostgresTokenStore } from "../src/index.ts"
import { outcome, run } from "./support/effect.ts"
import { freshSchemaName, serverUrl } from "./support/postgres.ts"
import { next, record } from "./support/records.ts"
import { scratch } from "./support/scratch.ts"

const here = path.dirname(fileURLToPath(import.meta.url))
const db = scratch()

const instance = async (schema: string): Promise<PostgresTokenStore.PostgresTokenStore> => {
  const s = await run(PostgresTokenStore.make({ connectionString: serverUrl(), schema, pool: { max: 3 } }))
  db.stores.push(s)
  return s
}

const freshSchema = async (label: string): Promise<string> => {
  const schema = freshSchemaName(label)
  db.schemas.push(schema)
  await run((await instance(schema)).migrate())
  return schema
}

/** A Luhn-valid 16-digit Visa test number, distinct per `n`. */
const panFor = (n: number): string => {
  const body = `411111${String(n).padStart(9, "0")}`
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return body + String((10 - (sum % 10)) % 10)
}

interface Reply {
  readonly ready?: boolean
  readonly round?: number
  readonly token?: string
  readonly duplicates?: number
  readonly error?: { readonly _tag: string; readonly code: string }
}

/** A child process running one vault instance; `ask` sends a round and awaits its reply. */
const spawnVault = async (env: Record<string, string>): Promise<{ readonly child: ChildProcess; readonly ask: (m: object) => Promise<Reply> }> => {
  const child = fork(path.join(here, "fixtures", "tokenizer.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  let waiting: ((r: Reply) => void) | undefined
  let failed: ((e: Error) => void) | undefined
  child.on("message", (r: Reply) => {
    const w = waiting
    waiting = undefined
    w?.(r)
  })
  child.on("exit", (code) => failed?.(new Error(`vault process exited with ${code}`)))
  const next = (): Promise<Reply> =>
    new Promise<Reply>((resolve, reject) => {
      waiting = resolve
      failed = reject
    })
  const ready = await next()
  expect(ready.ready).toBe(true)
  return {
    child,
    ask: (m) => {
      const reply = next()
      child.send(m)
      return reply
    }
  }
}

describe("several instances over one database", () => {
  it("[DUPLICATE-CARD][IDEMPOTENCY][PG6] two vault processes tokenizing the same card for the same customer at once, 100 rounds: one token per round", async () => {
    const schema = await freshSchema("race")
    const keys = { DATA_KEY: randomBytes(32).toString("hex"), FINGERPRINT_KEY: randomBytes(32).toString("hex") }
    // The merchant, registered once through a vault over the same database.
    const setup = await PromiseVault.createVault({
      store: await instance(schema),
      crypto: NodeCardCrypto.make({
        dataKey: Redacted.make(Buffer.from(keys.DATA_KEY, "hex")),
        fingerprintKey: Redacted.make(Buffer.from(keys.FINGERPRINT_KEY, "hex"))
      })
    })
    await setup.addMerchant({ merchantId: "shop-1" })

    const env = { TOKENVAULT_PG_URL: serverUrl(), SCHEMA: schema, ...keys }
    const vaults = await Promise.all([spawnVault(env), spawnVault(env)])
    const ROUNDS = 100
    let raced = 0
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // Even rounds also share an idempotency key; odd rounds rely on the card alone.
        const request = {
          merchantId: "shop-1",
          customerId: `cust-${round}`,
          pan: panFor(round),
          expiry: "12/39",
          ...(round % 2 === 0 ? { merchantRequestId: `req-${round}` } : {})
        }
        const replies = await Promise.all(vaults.map((v) => v.ask({ round, request })))
        for (const r of replies) expect(r.error, `round ${round}`).toBeUndefined()
        expect(replies[0]!.token, `round ${round}: both instances return the same token`).toBe(replies[1]!.token)
        if (replies.some((r) => (r.duplicates ?? 0) > 0)) raced++
      }
    } finally {
      await Promise.all(vaults.map((v) => new Promise<void>((resolve) => {
        v.child.once("exit", () => resolve())
        v.child.send({ exit: true })
      })))
      await setup.close()
    }
    const rows = await db.admin.query<{ customer_id: string; n: number; active: number }>(
      `SELECT customer_id, count(*)::int AS n, count(*) FILTER (WHERE status = 'ACTIVE')::int AS active
       FROM "${schema}".tokens GROUP BY customer_id`
    )
    expect(rows.rows.length).toBe(ROUNDS)
    for (const r of rows.rows) expect([r.customer_id, r.n, r.active]).toEqual([r.customer_id, 1, 1])
    console.log(`[race] ${raced} of ${ROUNDS} rounds had an insert refused by the database (both instances inserted)`)
    expect(raced).toBeGreaterThan(0)
  }, 180_000)

  it("[PG2][STATUS-TRANSITIONS] 4 store instances × 25 compare-and-set status changes on one token: no update lost", async () => {
    const schema = await freshSchema("cas")
    const writers = await Promise.all(Array.from({ length: 4 }, () => instance(schema)))
    await run(writers[0]!.insert(record("hot", { agreements: [] })))
    let conflicts = 0
    const writer = async (store: TokenStore.Service, w: number): Promise<void> => {
      for (let k = 0; k < 25; k++) {
        for (;;) {
          const current = (await run(store.get("hot")))!
          const o = await outcome(store.update(next(current, {
            status: current.status === "ACTIVE" ? "SUSPENDED" : "ACTIVE",
            agreements: [...current.agreements, { type: "UNSCHEDULED", initialTransactionId: `w${w}-${k}` }]
          })))
          if (o._tag === "Success") break
          expect(o._tag === "Failure" && o.error.reason._tag).toBe("Conflict")
          conflicts++
        }
      }
    }
    await Promise.all(writers.map((s, w) => writer(s, w)))
    const final = (await run(writers[0]!.get("hot")))!
    expect(final.version).toBe(101)
    expect(final.status).toBe("ACTIVE") // 100 flips
    expect(final.agreements.map((a) => a.initialTransactionId).sort()).toEqual(
      Array.from({ length: 4 }, (_, w) => Array.from({ length: 25 }, (_, k) => `w${w}-${k}`)).flat().sort()
    )
    console.log(`[cas] ${conflicts} compare-and-set conflicts retried`)
    expect(conflicts).toBeGreaterThan(0)
  }, 120_000)

  it("[PG2][PG3][GROUP-MEMBERSHIP] group moves racing compare-and-set updates on the moved tokens: no update lost, no move undone", async () => {
    const schema = await freshSchema("moves")
    const [mover, ...updaters] = await Promise.all(Array.from({ length: 4 }, () => instance(schema)))
    await run(mover!.putMerchant({ merchantId: "m1", prefix: "AAAA", format: "opaque", tokenization: true, luhn: "enforce" }))
    await run(mover!.createGroup("g1"))
    const tokens = ["t0", "t1", "t2", "t3", "t4"]
    for (const t of tokens) await run(mover!.insert(record(t, { agreements: [] })))
    const own: Group.Scope = "merchant:m1"
    const group: Group.Scope = "group:g1"
    const MOVES = 20
    const WRITES = 30
    let conflicts = 0
    const move = async () => {
      for (let i = 0; i < MOVES; i++) {
        expect(await run(mover!.changeMembership({ merchantId: "m1", groupId: "g1", rescope: { owner: "m1", from: own, to: group } })))
          .toBe(tokens.length)
        expect(await run(mover!.changeMembership({ merchantId: "m1", groupId: undefined, rescope: { owner: "m1", from: group, to: own } })))
          .toBe(tokens.length)
      }
    }
    const appended = new Map<string, Array<string>>(tokens.map((t) => [t, []]))
    const update = async (store: TokenStore.Service, u: number) => {
      for (let k = 0; k < WRITES; k++) {
        const token = tokens[(u * 7 + k) % tokens.length]!
        const id = `u${u}-${k}`
        for (;;) {
          const current = (await run(store.get(token)))!
          const o = await outcome(store.update(next(current, {
            agreements: [...current.agreements, { type: "INSTALLMENT", initialTransactionId: id }]
          })))
          if (o._tag === "Success") break
          expect(o._tag === "Failure" && o.error.reason._tag).toBe("Conflict")
          conflicts++
        }
        appended.get(token)!.push(id)
      }
    }
    await Promise.all([move(), ...updaters.map((s, u) => update(s, u))])
    for (const t of tokens) {
      const r: TokenRecord.TokenRecord = (await run(mover!.get(t)))!
      expect(r.scope, t).toBe(own)
      expect(r.version, t).toBe(1 + appended.get(t)!.length + 2 * MOVES)
      expect(r.agreements.map((a) => a.initialTransactionId).sort(), t).toEqual([...appended.get(t)!].sort())
    }
    expect((await run(mover!.getMerchant("m1")))?.groupId).toBeUndefined()
    console.log(`[moves] ${conflicts} compare-and-set conflicts retried against ${2 * MOVES} moves`)
    expect(TokenStore.validateCapabilities(mover!.capabilities)).toEqual([])
  }, 120_000)
})
