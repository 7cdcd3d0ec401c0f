/**
 * Several instances over one database while merchants change: the store's
 * merchant cache never lets a vault act on a membership or a registration
 * that is no longer current, a token is never created in the scope of a
 * membership being changed, and a merchant id is registered once.
 *
 * Each "instance" is a store of its own (its own pool and cache) over the
 * same schema, with a vault over it; the keys are shared, as they must be.
 */
import * as NodeCardCrypto from "@tokenvault/vault/NodeCardCrypto"
import * as NodeSecureRandom from "@tokenvault/vault/NodeSecureRandom"
import * as TokenStore from "@tokenvault/vault/TokenStore"
import * as Vault from "@tokenvault/vault/Vault"
import { Cause, Effect, Exit, Layer, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { PostgresTokenStore } from "../src/index.ts"
import { reasonOf, run } from "./support/effect.ts"
import { freshSchemaName, serverUrl } from "./support/postgres.ts"
import { scratch } from "./support/scratch.ts"

const db = scratch()
const keys = { dataKey: Redacted.make(randomBytes(32)), fingerprintKey: Redacted.make(randomBytes(32)) }

/** An instance: a store with a long-lived cache (so a stale entry is certain to be used) and a vault over it. */
const instance = async (schema: string) => {
  const store = await run(PostgresTokenStore.make({ connectionString: serverUrl(), schema, pool: { max: 2 }, merchantCacheMs: 600_000 }))
  db.stores.push(store)
  const layer = Vault.layer.pipe(
    Layer.provide(Layer.mergeAll(Layer.succeed(TokenStore.TokenStore, store), NodeCardCrypto.layer(keys), NodeSecureRandom.layer))
  )
  const vault = await run(Effect.provide(Effect.gen(function*() {
    return yield* Vault.Vault
  }), layer))
  return { store, vault }
}

const freshSchema = async (): Promise<string> => {
  const schema = freshSchemaName("cache")
  db.schemas.push(schema)
  const { store } = await instance(schema)
  await run(store.migrate())
  return schema
}

/** `ok`, or the TokenError's code. */
const codeOf = async (effect: Effect.Effect<unknown, unknown>): Promise<string> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return "ok"
  const e = exit.cause.reasons.find(Cause.isFailReason)?.error as { readonly _tag?: string; readonly code?: string } | undefined
  return e?._tag === "TokenError" ? e.code! : `unexpected: ${String(Cause.squash(exit.cause))}`
}

const card = (n: number) => ({ customerId: `c${n}`, pan: n % 2 === 0 ? "4111111111111111" : "5555555555554444", expiry: { month: 12, year: 2031 } })

const scopeOf = async (schema: string, token: string): Promise<string | undefined> =>
  (await db.admin.query<{ scope: string }>(`SELECT scope FROM "${schema}".tokens WHERE token = $1`, [token])).rows[0]?.scope

describe("the merchant cache across instances", () => {
  it("[GROUP-ACCESS][PG6] a merchant that left a group on another instance is refused at once, never served from a stale cache", async () => {
    const schema = await freshSchema()
    const a = await instance(schema)
    const b = await instance(schema)
    await run(a.vault.addMerchant({ merchantId: "m1" }))
    await run(a.vault.addMerchant({ merchantId: "m2" }))
    await run(a.vault.createGroup("g"))
    await run(a.vault.joinGroup("g", "m1", false))
    await run(a.vault.joinGroup("g", "m2", false))
    const token = (await run(a.vault.tokenize({ merchantId: "m1", ...card(1) }))).token
    expect(await codeOf(a.vault.getToken("m2", token))).toBe("ok") // m2 is now cached on a as a member

    await run(b.vault.leaveGroup("g", "m2", false))
    // The first call on a detects the change in its own statement; none succeeds.
    expect(await codeOf(a.vault.getToken("m2", token))).toMatch(/^(STORE_CONFLICT|TOKEN_NOT_FOUND)$/)
    expect(await codeOf(a.vault.getToken("m2", token))).toBe("TOKEN_NOT_FOUND")
    expect(await codeOf(a.vault.getToken("m1", token))).toBe("ok")
  })

  it("[GROUP-MEMBERSHIP][PG6] a token is never created in the scope of a membership another instance has changed", async () => {
    const schema = await freshSchema()
    const a = await instance(schema)
    const b = await instance(schema)
    await run(a.vault.addMerchant({ merchantId: "m1" }))
    await run(a.vault.createGroup("g"))
    const before = (await run(a.vault.tokenize({ merchantId: "m1", ...card(1) }))).token // m1 cached on a, no group
    expect(await scopeOf(schema, before)).toBe("merchant:m1")

    expect(await run(b.vault.joinGroup("g", "m1", true))).toBe(1)
    expect(await codeOf(a.vault.tokenize({ merchantId: "m1", ...card(2) }))).toBe("STORE_CONFLICT")
    expect((await db.admin.query(`SELECT count(*)::int AS n FROM "${schema}".tokens`)).rows[0].n).toBe(1)
    const after = (await run(a.vault.tokenize({ merchantId: "m1", ...card(2) }))).token
    expect(await scopeOf(schema, after)).toBe("group:g")
  })

  it("[GROUP-MEMBERSHIP][PG6] a tokenization racing a membership change waits for it, then refuses to land in the old scope", async () => {
    const schema = await freshSchema()
    const a = await instance(schema)
    await run(a.vault.addMerchant({ merchantId: "m1" }))
    await run(a.vault.createGroup("g"))
    await run(a.vault.tokenize({ merchantId: "m1", ...card(1) })) // m1 cached: no group
    // A membership change in progress elsewhere: the merchant row locked and its version bumped, not committed.
    const change = await db.admin.connect()
    try {
      await change.query("BEGIN")
      await change.query(`SELECT 1 FROM "${schema}".merchants WHERE merchant_id = 'm1' FOR UPDATE`)
      await change.query(`INSERT INTO "${schema}".memberships (merchant_id, group_id) VALUES ('m1', 'g')`)
      await change.query(`UPDATE "${schema}".merchants SET version = version + 1 WHERE merchant_id = 'm1'`)
      const pending = codeOf(a.vault.tokenize({ merchantId: "m1", ...card(2) }))
      // Wait until the insert is blocked on the merchant row (polling the server, not the clock).
      for (;;) {
        const waiting = await db.admin.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO "${schema}".tokens%'`
        )
        if (waiting.rows[0].n > 0) break
      }
      await change.query("COMMIT")
      expect(await pending).toBe("STORE_CONFLICT")
    } finally {
      change.release()
    }
    expect((await db.admin.query(`SELECT count(*)::int AS n FROM "${schema}".tokens WHERE scope = 'merchant:m1'`)).rows[0].n).toBe(1)
    const token = (await run(a.vault.tokenize({ merchantId: "m1", ...card(2) }))).token
    expect(await scopeOf(schema, token)).toBe("group:g")
  })

  it("[MERCHANT-PREFIX][PG6] the same merchant id registered from two instances at once: one registration wins, the other gets MERCHANT_EXISTS", async () => {
    const schema = await freshSchema()
    const a = await instance(schema)
    const b = await instance(schema)
    for (let round = 0; round < 10; round++) {
      const id = `m${round}`
      const codes = await Promise.all([
        codeOf(a.vault.addMerchant({ merchantId: id, prefix: `A${round}AA`.slice(0, 4) })),
        codeOf(b.vault.addMerchant({ merchantId: id, prefix: `B${round}BB`.slice(0, 4) }))
      ])
      expect(codes.filter((c) => c === "ok")).toHaveLength(1)
      expect(codes.filter((c) => c !== "ok")).toEqual(["MERCHANT_EXISTS"])
      const stored = (await db.admin.query<{ prefix: string }>(`SELECT prefix FROM "${schema}".merchants WHERE merchant_id = $1`, [id])).rows
      expect(stored).toEqual([{ prefix: codes[0] === "ok" ? `A${round}AA`.slice(0, 4) : `B${round}BB`.slice(0, 4) }])
    }
  })

  it("[MERCHANT-PREFIX][PG6] putMerchant after reading the merchant as absent refuses one registered meanwhile (Duplicate), and after reading a version refuses a newer one (Conflict)", async () => {
    const schema = await freshSchema()
    const a = await instance(schema)
    const b = await instance(schema)
    const m = { merchantId: "m1", prefix: "AAAA", format: "opaque", tokenization: true, luhn: "enforce" } as const
    const registeredMeanwhile = Effect.flatMap(a.store.getMerchant("m1"), () =>
      Effect.flatMap(b.store.putMerchant({ ...m, prefix: "BBBB" }), () => a.store.putMerchant(m)))
    expect(await reasonOf(registeredMeanwhile)).toBe("Duplicate(merchant)")
    const replacedMeanwhile = Effect.flatMap(a.store.getMerchant("m1"), () =>
      Effect.flatMap(b.store.putMerchant({ ...m, prefix: "CCCC" }), () => a.store.putMerchant({ ...m, prefix: "DDDD" })))
    expect(await reasonOf(replacedMeanwhile)).toBe("Conflict")
    const prefix = async () => (await db.admin.query(`SELECT prefix FROM "${schema}".merchants WHERE merchant_id = 'm1'`)).rows[0].prefix
    expect(await prefix()).toBe("CCCC")
    // Without a read before it, putMerchant is the port's plain add-or-replace.
    await run(a.store.putMerchant({ ...m, prefix: "EEEE" }))
    expect(await prefix()).toBe("EEEE")
  })
})
