/**
 * The PostgreSQL store's own obligations, beyond the conformance kit:
 * integrity in the database, compare-and-set, atomic re-scoping, ordering
 * and paging, migrations, typed failures when the server cannot serve.
 *
 * Tags: [PG1] integrity enforced by the database, [PG2] compare-and-set,
 * [PG3] atomic membership changes, [PG4] typed Unavailable and recovery,
 * [PG5] versioned migrations, [PG6] several instances over one database.
 */
import * as TokenStore from "@tokenvault/vault/TokenStore"
import { Effect } from "effect"
import * as net from "node:net"
import { describe, expect, it } from "vitest"
import { Migrations, PostgresTokenStore } from "../src/index.ts"
import { outcome, reasonOf, run } from "./support/effect.ts"
import { adminPool, freshSchemaName, serverUrl } from "./support/postgres.ts"
import { next, record } from "./support/records.ts"
import { scratch } from "./support/scratch.ts"

const db = scratch()

const freshStore = async (options: Partial<PostgresTokenStore.Options> = {}): Promise<PostgresTokenStore.PostgresTokenStore> => {
  const schema = options.schema ?? freshSchemaName("unit")
  if (!db.schemas.includes(schema)) db.schemas.push(schema)
  const store = await run(PostgresTokenStore.make({ connectionString: serverUrl(), pool: { max: 4 }, ...options, schema }))
  db.stores.push(store)
  return store
}

describe("PostgresTokenStore", () => {
  it("[PG5] publishes a valid capabilities manifest: durable, fsync, multi-process", async () => {
    const store = await freshStore({ maxPageSize: 250 })
    expect(TokenStore.validateCapabilities(store.capabilities)).toEqual([])
    expect(store.capabilities).toEqual({ name: "postgres", durable: true, durability: "fsync", multiProcess: true, maxPageSize: 250 })
  })

  it("[PG5] migrations are versioned, applied once under an advisory lock even by concurrent instances, and recorded", async () => {
    const schema = freshSchemaName("migrate")
    const racers = await Promise.all(Array.from({ length: 6 }, () => freshStore({ schema, pool: { max: 1 } })))
    const applied = await Promise.all(racers.map((s) => run(s.migrate())))
    expect(applied.filter((a) => a.length > 0)).toEqual([Migrations.migrations.map((m) => m.version)])
    const rows = await db.admin.query(`SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`)
    expect(rows.rows).toEqual(Migrations.migrations.map((m) => ({ version: m.version, name: m.name })))
    expect(await run(racers[0]!.migrate())).toEqual([])
    expect(Migrations.latestVersion).toBe(Migrations.migrations[Migrations.migrations.length - 1]!.version)
    expect(Migrations.migrations.map((m) => m.version)).toEqual(Migrations.migrations.map((_, i) => i + 1))
  })

  it("[PG5] first use migrates by itself; with autoMigrate: false the store refuses (Unavailable) until migrate() runs", async () => {
    const auto = await freshStore()
    await run(auto.insert(record("auto-1")))
    expect((await run(auto.get("auto-1")))?.token).toBe("auto-1")

    const manual = await freshStore({ autoMigrate: false })
    expect(await reasonOf(manual.get("x"))).toBe("Unavailable")
    expect(await reasonOf(manual.insert(record("manual-1")))).toBe("Unavailable")
    expect(await run(manual.migrate())).toEqual(Migrations.migrations.map((m) => m.version))
    await run(manual.insert(record("manual-1")))
    expect((await run(manual.get("manual-1")))?.version).toBe(1)
  })

  it("[PG1][DELETE-IRREVERSIBLE][IDEMPOTENCY][DUPLICATE-CARD] unique violations map to Duplicate with the port's constraint, tombstones included", async () => {
    const store = await freshStore()
    const a = record("tok-A", { merchantRequestId: "r1", requestDigest: "d1", fingerprint: "fpX" })
    await run(store.insert(a))
    expect(await reasonOf(store.insert(record("tok-A", { fingerprint: "other" })))).toBe("Duplicate(token)")
    expect(await reasonOf(store.insert(record("tok-B", { merchantRequestId: "r1", fingerprint: "fpB" })))).toBe(
      "Duplicate(merchantRequestId)"
    )
    // The same request id under another merchant is another key.
    await run(store.insert(record("tok-B", { merchantId: "m2", scope: "merchant:m2", merchantRequestId: "r1" })))
    expect(await reasonOf(store.insert(record("tok-C", { fingerprint: "fpX" })))).toBe("Duplicate(activeFingerprint)")
    // Not ACTIVE, another customer, another scope: no conflict.
    await run(store.insert(record("tok-D", { fingerprint: "fpX", status: "SUSPENDED" })))
    await run(store.insert(record("tok-E", { fingerprint: "fpX", customerId: "c2" })))
    await run(store.insert(record("tok-F", { fingerprint: "fpX", scope: "group:g1" })))
    // No customer and an empty customer id share one slot (coalesce(customer_id, '')).
    await run(store.insert(record("tok-G", { fingerprint: "fpY", customerId: undefined })))
    expect(await reasonOf(store.insert(record("tok-H", { fingerprint: "fpY", customerId: "" })))).toBe(
      "Duplicate(activeFingerprint)"
    )
    // Resuming a SUSPENDED record into a held slot is refused by update too.
    const d = (await run(store.get("tok-D")))!
    expect(await reasonOf(store.update(next(d, { status: "ACTIVE" })))).toBe("Duplicate(activeFingerprint)")

    // A tombstone keeps its value and its request id forever.
    const tomb = next(a, { status: "DELETED", deletion: { reason: "DEREGISTERED", on: a.lastActivity }, sealed: undefined, fingerprint: undefined })
    await run(store.update(tomb))
    expect(await reasonOf(store.insert(record("tok-A", { fingerprint: "fresh" })))).toBe("Duplicate(token)")
    expect(await reasonOf(store.insert(record("tok-Z", { merchantRequestId: "r1" })))).toBe("Duplicate(merchantRequestId)")
    expect((await run(store.getByRequestId("m1", "r1")))?.status).toBe("DELETED")
    // ... and frees its ACTIVE slot.
    await run(store.insert(record("tok-C", { fingerprint: "fpX" })))

    // Refused writes wrote nothing.
    const count = await db.admin.query(`SELECT count(*)::int AS n FROM "${store.schema}".tokens`)
    expect(count.rows[0].n).toBe(7) // tok-A (a tombstone), B, C, D, E, F, G
  })

  it("[PG1][PG5][IDEMPOTENCY] request keys: every record's own key is a request_keys row written with it (migration 3 copies the older ones); a bound pair refuses inserts", async () => {
    const old = await freshStore()
    await run(old.insert(record("own-1", { merchantRequestId: "r1", requestDigest: "d1" })))
    await run(old.insert(record("own-2", { merchantRequestId: "r2", requestDigest: undefined, fingerprint: "fp2" })))
    await run(old.insert(record("own-3", { fingerprint: "fp3" })))
    // Back to schema version 2, as a database written before request_keys existed.
    await db.admin.query(`DROP TABLE "${old.schema}".request_keys; DELETE FROM "${old.schema}".schema_migrations WHERE version = 3`)
    const store = await freshStore({ schema: old.schema, autoMigrate: false })
    expect(await run(store.migrate())).toEqual([3])
    expect(await run(store.getRequestKey("m1", "r1"))).toEqual({ merchantId: "m1", merchantRequestId: "r1", token: "own-1", requestDigest: "d1" })
    expect(await run(store.getRequestKey("m1", "r2"))).toEqual({ merchantId: "m1", merchantRequestId: "r2", token: "own-2", requestDigest: undefined })
    await run(store.bindRequestId({ merchantId: "m2", merchantRequestId: "r1", token: "own-3", requestDigest: "d3" }))
    expect(await reasonOf(store.bindRequestId({ merchantId: "m2", merchantRequestId: "r1", token: "own-1", requestDigest: "d3" }))).toBe(
      "Duplicate(merchantRequestId)"
    )
    expect(await reasonOf(store.bindRequestId({ merchantId: "m1", merchantRequestId: "r1", token: "own-3", requestDigest: "d1" }))).toBe(
      "Duplicate(merchantRequestId)"
    )
    expect(await reasonOf(store.bindRequestId({ merchantId: "m2", merchantRequestId: "r9", token: "absent", requestDigest: "d" }))).toBe("NotFound")
    // The pair m2/r1 is bound: an insert carrying it is refused, and neither its record nor a key is written.
    const refused = record("new-1", { merchantId: "m2", scope: "merchant:m2", merchantRequestId: "r1", fingerprint: "fpN" })
    expect(await reasonOf(store.insert(refused))).toBe("Duplicate(merchantRequestId)")
    expect(await run(store.get("new-1"))).toBeUndefined()
    expect(await run(store.getByRequestId("m2", "r1"))).toBeUndefined()
    const keys = await db.admin.query(`SELECT merchant_id, merchant_request_id, token FROM "${store.schema}".request_keys ORDER BY 1, 2`)
    expect(keys.rows).toEqual([
      { merchant_id: "m1", merchant_request_id: "r1", token: "own-1" },
      { merchant_id: "m1", merchant_request_id: "r2", token: "own-2" },
      { merchant_id: "m2", merchant_request_id: "r1", token: "own-3" }
    ])
  })

  it("[PG1][MERCHANT-PREFIX][GROUP-MEMBERSHIP] prefixes and groups are unique in the database", async () => {
    const store = await freshStore()
    await run(store.putMerchant({ merchantId: "m1", prefix: "AAAA", format: "opaque", tokenization: true, luhn: "enforce" }))
    await run(store.putMerchant({ merchantId: "m1", prefix: "AAAA", format: "custom", tokenization: false, luhn: "report" }))
    expect(await reasonOf(store.putMerchant({ merchantId: "m2", prefix: "AAAA", format: "opaque", tokenization: true, luhn: "enforce" })))
      .toBe("Duplicate(prefix)")
    await run(store.putMerchant({ merchantId: "m1", prefix: "BBBB", format: "opaque", tokenization: true, luhn: "enforce" }))
    await run(store.putMerchant({ merchantId: "m2", prefix: "AAAA", format: "opaque", tokenization: true, luhn: "enforce" }))
    await run(store.createGroup("g1"))
    expect(await reasonOf(store.createGroup("g1"))).toBe("Duplicate(group)")
    expect(await run(store.hasGroup("g1"))).toBe(true)
    expect(await run(store.hasGroup("g2"))).toBe(false)
    expect((await run(store.listMerchants())).map((m) => [m.merchantId, m.prefix, m.groupId])).toEqual([
      ["m1", "BBBB", undefined],
      ["m2", "AAAA", undefined]
    ])
  })

  it("[PG1][DUPLICATE-CARD] the constraints live in the database: a raw SQL write that bypasses the adapter is refused too", async () => {
    const store = await freshStore()
    await run(store.insert(record("raw-1", { fingerprint: "fpR" })))
    const copy = `INSERT INTO "${store.schema}".tokens SELECT * FROM "${store.schema}".tokens WHERE token = 'raw-1'`
    await expect(db.admin.query(copy.replace("SELECT *", "SELECT 'raw-2', format, merchant_id, scope, customer_id, instrument, brand, masked_pan, expiry_month, expiry_year, fingerprint, key_version, ciphertext, status, deletion_reason, deletion_on, created_at, last_activity, extended, retain_until, agreements, merchant_request_id, request_digest, version")))
      .rejects.toMatchObject({ code: "23505", constraint: Migrations.constraintNames.activeFingerprint })
    const indexes = await db.admin.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`, [store.schema])
    const defs = new Map(indexes.rows.map((r: { indexname: string; indexdef: string }) => [r.indexname, r.indexdef]))
    expect(defs.get("tv_tokens_active_fingerprint_key")).toMatch(/UNIQUE.*COALESCE\(customer_id, ''::text\).*WHERE.*status = 'ACTIVE'/)
    expect(defs.get("tv_tokens_due")).toMatch(/retain_until, token\).*WHERE.*status <> 'DELETED'/)
    for (const name of ["tv_tokens_pkey", "tv_tokens_request_key", "tv_tokens_customer", "tv_tokens_fingerprint", "tv_tokens_scope", "tv_tokens_owner", "tv_merchants_prefix_key", "tv_groups_pkey"]) {
      expect(defs.has(name), name).toBe(true)
    }
  })

  it("[PG2] update is compare-and-set on the version column: NotFound when absent, Conflict when stale", async () => {
    const store = await freshStore()
    const r = record("cas-1")
    expect(await reasonOf(store.update(next(r)))).toBe("NotFound")
    await run(store.insert(r))
    expect(await reasonOf(store.update({ ...r, version: 1 }))).toBe("Conflict")
    expect(await reasonOf(store.update({ ...r, version: 3 }))).toBe("Conflict")
    await run(store.update(next(r, { status: "SUSPENDED" })))
    expect(await reasonOf(store.update(next(r, { status: "ACTIVE" })))).toBe("Conflict")
    const stored = (await run(store.get("cas-1")))!
    expect(stored).toMatchObject({ status: "SUSPENDED", version: 2 })
  })

  it("[PG1] a record round-trips exactly, absent fields included", async () => {
    const store = await freshStore()
    const full = record("rt-1", {
      merchantRequestId: "req-1",
      requestDigest: "digest",
      extended: true,
      agreements: [
        { type: "RECURRING", initialTransactionId: "t1" },
        { type: "UNSCHEDULED", initialTransactionId: "t2" }
      ]
    })
    const bare = record("rt-2", {
      customerId: undefined,
      brand: undefined,
      expiry: undefined,
      fingerprint: undefined,
      sealed: undefined,
      instrument: "BANK_ACCOUNT",
      maskedPan: "••••3000",
      agreements: [],
      version: 41
    })
    await run(store.insert(full))
    await run(store.insert(bare))
    expect(await run(store.get("rt-1"))).toStrictEqual(full)
    expect(await run(store.get("rt-2"))).toStrictEqual(bare)
    expect(await run(store.get("absent"))).toBeUndefined()
    expect(await run(store.getByRequestId("m1", "req-1"))).toStrictEqual(full)
    expect(await run(store.getByRequestId("m1", "nope"))).toBeUndefined()
  })

  it("[GROUP-ACCESS][RETENTION-PURGE] pages follow JavaScript string order whatever the database locale, resume by cursor and skip tombstones", async () => {
    const store = await freshStore({ maxPageSize: 3 })
    const tokens = ["b", "B", "a", "A", "_x", "0", "Z9", "z-1", "a.b", "ab"]
    for (const [i, t] of tokens.entries()) {
      await run(store.insert(record(t, { retainUntil: (i % 2 === 0 ? "2027-01-01" : "2026-06-30") as never, fingerprint: undefined })))
    }
    const gone = (await run(store.get("ab")))!
    await run(store.update(next(gone, { status: "DELETED", deletion: { reason: "RETENTION", on: gone.lastActivity } })))
    const live = tokens.filter((t) => t !== "ab")

    const walk = async <A>(fetch: (cursor: string | undefined) => Effect.Effect<TokenStore.Page<A>, TokenStore.TokenStoreError>) => {
      const out: Array<A> = []
      let cursor: string | undefined
      do {
        const page = await run(fetch(cursor))
        expect(page.items.length).toBeLessThanOrEqual(3)
        out.push(...page.items)
        cursor = page.cursor
      } while (cursor !== undefined)
      return out
    }
    const listed = await walk((cursor) => store.listByScope("merchant:m1", { limit: 100, cursor }))
    expect(listed.map((r) => r.token)).toEqual([...live].sort())
    const two = await walk((cursor) => store.listByScope("merchant:m1", { limit: 2, cursor }))
    expect(two.map((r) => r.token)).toEqual([...live].sort())

    const due = await walk((cursor) => store.dueForPurge("2026-12-31" as never, { limit: 2, cursor }))
    expect(due.map((r) => r.token)).toEqual(live.filter((t) => tokens.indexOf(t) % 2 === 1).sort())
    const all = await walk((cursor) => store.dueForPurge("9999-12-31" as never, { limit: 3, cursor }))
    const key = (t: string) => `${tokens.indexOf(t) % 2 === 1 ? "2026-06-30" : "2027-01-01"} ${t}`
    expect(all.map((r) => key(r.token))).toEqual(live.map(key).sort())

    expect((await run(store.findByCustomer("merchant:m1", "c1"))).map((r) => r.token)).toEqual([...live].sort())
    expect(await run(store.findByCustomer("merchant:m2", "c1"))).toEqual([])
  })

  it("[PG3][GROUP-MEMBERSHIP][DUPLICATE-CARD] changeMembership re-scopes (tombstones included) in one transaction, all or nothing", async () => {
    const store = await freshStore()
    await run(store.putMerchant({ merchantId: "m1", prefix: "AAAA", format: "opaque", tokenization: true, luhn: "enforce" }))
    await run(store.createGroup("g1"))
    await run(store.insert(record("own-1", { fingerprint: "fp1" })))
    await run(store.insert(record("own-2", { fingerprint: "fp2" })))
    const t = (await run(store.insert(record("own-3", { fingerprint: "fp3" })).pipe(Effect.andThen(store.get("own-3")))))!
    await run(store.update(next(t, { status: "DELETED", deletion: { reason: "DEREGISTERED", on: t.lastActivity }, fingerprint: undefined })))
    await run(store.insert(record("other", { merchantId: "m2", scope: "merchant:m2", fingerprint: "fp1" })))
    // A token of m2 already in the group holding fp2's slot for c1.
    await run(store.insert(record("held", { merchantId: "m2", scope: "group:g1", fingerprint: "fp2" })))

    expect(await reasonOf(store.changeMembership({ merchantId: "nobody", groupId: "g1", rescope: undefined }))).toBe("NotFound")
    expect(await reasonOf(store.changeMembership({ merchantId: "m1", groupId: "g9", rescope: undefined }))).toBe("NotFound")

    const join = { merchantId: "m1", groupId: "g1", rescope: { owner: "m1", from: "merchant:m1", to: "group:g1" } } as const
    expect(await reasonOf(store.changeMembership(join))).toBe("Duplicate(activeFingerprint)")
    // Nothing moved, membership unchanged.
    expect((await run(store.getMerchant("m1")))?.groupId).toBeUndefined()
    expect((await run(store.get("own-1")))).toMatchObject({ scope: "merchant:m1", version: 1 })

    const h = (await run(store.get("held")))!
    await run(store.update(next(h, { status: "SUSPENDED" })))
    expect(await run(store.changeMembership(join))).toBe(3)
    expect((await run(store.getMerchant("m1")))?.groupId).toBe("g1")
    expect(await run(store.get("own-1"))).toMatchObject({ scope: "group:g1", version: 2 })
    expect(await run(store.get("own-3"))).toMatchObject({ scope: "group:g1", version: 3, status: "DELETED" })
    expect(await run(store.get("other"))).toMatchObject({ scope: "merchant:m2", version: 1 })
    expect((await run(store.listByScope("group:g1", { limit: 10 }))).items.map((r) => r.token)).toEqual(["held", "own-1", "own-2"])

    // Leaving without tokens moves nothing; the tokens stay with the group.
    expect(await run(store.changeMembership({ merchantId: "m1", groupId: undefined, rescope: undefined }))).toBe(0)
    expect((await run(store.getMerchant("m1")))?.groupId).toBeUndefined()
    expect(await run(store.get("own-2"))).toMatchObject({ scope: "group:g1", version: 2 })
  })

  it("[PG4] a closed store refuses every call with Unavailable; close is idempotent", async () => {
    const store = await freshStore()
    await run(store.insert(record("closed-1")))
    await run(store.close())
    await run(store.close())
    for (const call of [
      store.get("closed-1"),
      store.insert(record("closed-2")),
      store.update(next(record("closed-1"))),
      store.listByScope("merchant:m1", { limit: 1 }),
      store.changeMembership({ merchantId: "m1", groupId: undefined, rescope: undefined }),
      store.migrate()
    ]) {
      expect(await reasonOf(call)).toBe("Unavailable")
    }
  })

  it("[PG4] an unreachable server, a refused login or a missing database fail typed (Unavailable) within the connect timeout", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer()
      srv.listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port
        srv.close(() => resolve(p))
      })
    })
    const url = new URL(serverUrl())
    const dead = await freshStore({ connectionString: `postgres://u:p@127.0.0.1:${port}/db`, pool: { connectTimeoutMs: 2_000 } })
    const o = await outcome(dead.get("x"))
    expect(o._tag).toBe("Failure")
    if (o._tag === "Failure") {
      expect(o.error.reason._tag).toBe("Unavailable")
      expect(o.error.reason).toMatchObject({ detail: expect.stringContaining("ECONNREFUSED") })
    }
    expect(await reasonOf(dead.insert(record("x")))).toBe("Unavailable")
    expect(await reasonOf(dead.migrate())).toBe("Unavailable")

    const badPassword = new URL(url)
    badPassword.password = "wrong"
    const refused = await freshStore({ connectionString: badPassword.toString() })
    expect(await reasonOf(refused.get("x"))).toBe("Unavailable")

    const noDb = new URL(url)
    noDb.pathname = "/no_such_database"
    const missing = await freshStore({ connectionString: noDb.toString() })
    expect(await reasonOf(missing.get("x"))).toBe("Unavailable")
  })

  it("[PG4] a statement that outlives the statement timeout (a row locked elsewhere) fails Unavailable, and the store keeps serving", async () => {
    const store = await freshStore({ pool: { statementTimeoutMs: 300 } })
    await run(store.insert(record("locked-1")))
    const blocker = await db.admin.connect()
    try {
      await blocker.query("BEGIN")
      await blocker.query(`SELECT 1 FROM "${store.schema}".tokens WHERE token = 'locked-1' FOR UPDATE`)
      const o = await outcome(store.update(next(record("locked-1"))))
      expect(o._tag === "Failure" && o.error.reason).toMatchObject({ _tag: "Unavailable", detail: expect.stringContaining("57014") })
    } finally {
      await blocker.query("ROLLBACK")
      blocker.release()
    }
    await run(store.update(next(record("locked-1"))))
    expect((await run(store.get("locked-1")))?.version).toBe(2)
  })

  it("[PG4] invalid options fail typed before any connection", async () => {
    expect(await reasonOf(PostgresTokenStore.make({ connectionString: serverUrl(), schema: "bad; drop" }))).toBe("Unavailable")
    expect(await reasonOf(PostgresTokenStore.make({ connectionString: serverUrl(), maxPageSize: 0 }))).toBe("Unavailable")
    expect(await reasonOf(PostgresTokenStore.make({}))).toBe("Unavailable")
  })

  it("[NO-PAN-LEAK][PG1] errors carry the SQLSTATE and constraint, never the server's message or the key values", async () => {
    const store = await freshStore()
    await run(store.insert(record("leak-1", { fingerprint: "SECRETFINGERPRINT", customerId: "SECRETCUSTOMER" })))
    const o = await outcome(store.insert(record("leak-2", { fingerprint: "SECRETFINGERPRINT", customerId: "SECRETCUSTOMER" })))
    expect(o._tag).toBe("Failure")
    const text = JSON.stringify(o) + String(o._tag === "Failure" ? o.error.message : "")
    expect(text).not.toMatch(/SECRET/)
  })

  it("[PG6] a pool you own is shared by stores over different schemas, and never ended by them", async () => {
    const pool = adminPool(serverUrl())
    const [s1, s2] = [freshSchemaName("shared"), freshSchemaName("shared")]
    db.schemas.push(s1, s2)
    const a = await run(PostgresTokenStore.make({ pool, schema: s1 }))
    const b = await run(PostgresTokenStore.make({ pool, schema: s2 }))
    await run(a.insert(record("same")))
    await run(b.insert(record("same", { fingerprint: "other" })))
    expect((await run(a.get("same")))?.fingerprint).toBe("fp-same")
    expect((await run(b.get("same")))?.fingerprint).toBe("other")
    await run(a.close())
    expect((await pool.query("SELECT 1 AS one")).rows[0].one).toBe(1)
    expect((await run(b.get("same")))?.token).toBe("same")
    await pool.end()
  })

  it("[PG6][GROUP-ACCESS] a 63-character schema name works: prepared statements are named by a hash, never cut into a collision", async () => {
    const schema = `${freshSchemaName("long")}_`.padEnd(63, "x")
    const store = await freshStore({ schema, maxPageSize: 2 })
    for (const t of ["a", "b", "c"]) await run(store.insert(record(t, { fingerprint: undefined })))
    const first = await run(store.listByScope("merchant:m1", { limit: 2 }))
    const rest = await run(store.listByScope("merchant:m1", { limit: 2, cursor: first.cursor }))
    expect([...first.items, ...rest.items].map((r) => r.token)).toEqual(["a", "b", "c"])
    expect(rest.cursor).toBeUndefined()
  })

  it("[PG5] the layer builds the store in a scope and ends its pool when the scope closes", async () => {
    const schema = freshSchemaName("layer")
    db.schemas.push(schema)
    let service: TokenStore.Service | undefined
    const program = Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      service = store
      yield* store.insert(record("layer-1"))
      return yield* store.get("layer-1")
    })
    const got = await run(program.pipe(Effect.provide(PostgresTokenStore.layer({ connectionString: serverUrl(), schema }))))
    expect(got?.token).toBe("layer-1")
    expect(await reasonOf(service!.get("layer-1"))).toBe("Unavailable")
    expect((service as PostgresTokenStore.PostgresTokenStore).pool.ended).toBe(true)
  })
})
