/**
 * PostgreSQL store benchmarks, each against raw `pg` through the same pool
 * in the same run (interleaved rounds, medians):
 *
 * 1. `insert` of a tokenize-like record, 16 concurrent callers, vs a raw
 *    parameterized `INSERT` of the same row (what the adapter costs on top
 *    of the driver: Effect, encoding, error mapping).
 * 2. `get` by token, 16 concurrent callers, vs a raw primary-key `SELECT`
 *    of the same columns (plus decoding rows into records).
 * 3. `update` (compare-and-set), 16 concurrent callers on distinct tokens,
 *    vs a raw `UPDATE … WHERE token = $1 AND version = $2`.
 * 4. Through the vault (`Vault.tokenize` over this store, `NodeCardCrypto`,
 *    `NodeSecureRandom`; a new card each call), 16 concurrent callers, vs
 *    the raw `INSERT` of a record of the same shape.
 * 5. `Vault.getToken` (access check and read), vs a raw primary-key
 *    `SELECT`.
 * 6. `Vault.authorizeUse` (access check, read, decrypt, and the use
 *    recorded by compare-and-set), vs a raw primary-key `SELECT` followed by
 *    a raw `UPDATE` (the same two statements without the library).
 *
 * The server: `TOKENVAULT_PG_URL` when set; otherwise a private throwaway
 * cluster started with `.ci/postgres.sh --fsync on` (production-like commit
 * latency; `BENCH_PG_FSYNC=off` for the test servers' setting) and stopped
 * at the end. `BENCH_PG_OPS` sets operations per round (default 4 000).
 *
 * Run with `pnpm bench postgres`.
 */
import type { TokenRecord } from "@tokenvault/core"
import { Effect, Layer, Redacted } from "effect"
import { execFileSync } from "node:child_process"
import { chmodSync, mkdtempSync, rmSync } from "node:fs"
import { randomBytes } from "node:crypto"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { compare, luhnPan, type Result, tokenizeLike } from "../../../bench/harness.ts"
import { SELECT_LIST, TOKEN_COLUMNS, toParams } from "../src/internal/rows.ts"
import * as NodeCardCrypto from "../../vault/src/NodeCardCrypto.ts"
import * as NodeSecureRandom from "../../vault/src/NodeSecureRandom.ts"
import * as TokenStore from "../../vault/src/TokenStore.ts"
import * as Vault from "../../vault/src/Vault.ts"
import * as PostgresTokenStore from "../src/PostgresTokenStore.ts"

const CONCURRENCY = 16
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../.ci/postgres.sh")

/** A vault over `store` with fresh keys, as the memory-store vault bench builds it. */
const vaultOver = (store: TokenStore.Service): Vault.Service => {
  const keys = { dataKey: Redacted.make(randomBytes(32)), fingerprintKey: Redacted.make(randomBytes(32)) }
  const layer = Vault.layer.pipe(
    Layer.provide(Layer.mergeAll(Layer.succeed(TokenStore.TokenStore, store), NodeCardCrypto.layer(keys), NodeSecureRandom.layer))
  )
  return Effect.runSync(Effect.provide(Effect.gen(function*() {
    return yield* Vault.Vault
  }), layer))
}

/** Runs one vault call as an application would (its own fiber, the real clock). */
const runVault = <A, E>(e: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(e)

/** Runs `ops` calls of `f(i)` with `CONCURRENCY` callers; returns ops/s. */
const concurrently = async (ops: number, f: (i: number) => Promise<unknown>): Promise<number> => {
  let nextIndex = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = nextIndex++; i < ops; i = nextIndex++) await f(i)
  }))
  return (ops * 1000) / (performance.now() - t0)
}

const server = (): { readonly url: string; readonly stop: () => void } => {
  const fromEnv = process.env["TOKENVAULT_PG_URL"]
  if (fromEnv !== undefined && fromEnv !== "") return { url: fromEnv, stop: () => undefined }
  const parent = mkdtempSync(path.join(tmpdir(), "tokenvault-pg-bench-"))
  chmodSync(parent, 0o755)
  const dir = path.join(parent, "cluster")
  const fsync = process.env["BENCH_PG_FSYNC"] === "off" ? "off" : "on"
  const out = execFileSync(script, ["start", "--dir", dir, "--fsync", fsync], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
  const url = /TOKENVAULT_PG_URL='([^']+)'/.exec(out)?.[1]
  if (url === undefined) throw new Error("postgres.sh start printed no URL")
  return {
    url,
    stop: () => {
      execFileSync(script, ["stop", "--dir", dir], { stdio: ["ignore", "ignore", "inherit"] })
      rmSync(parent, { recursive: true, force: true })
    }
  }
}

/**
 * Runs the PostgreSQL store benchmarks.
 *
 * @category running
 * @since 0.1.0
 */
export const run = async (): Promise<Array<Result>> => {
  const ops = Number(process.env["BENCH_PG_OPS"] ?? 4000)
  const srv = server()
  const schema = `bench_${process.pid}`
  const store = await Effect.runPromise(
    PostgresTokenStore.make({ connectionString: srv.url, schema, pool: { max: CONCURRENCY } })
  )
  const results: Array<Result> = []
  try {
    await Effect.runPromise(store.migrate())
    const pool = store.pool
    const settings = await pool.query<{ fsync: string; version: string }>(
      "SELECT current_setting('fsync') AS fsync, current_setting('server_version') AS version"
    )
    console.log(`PostgreSQL ${settings.rows[0]!.version}, fsync=${settings.rows[0]!.fsync}, ${CONCURRENCY} concurrent callers, ${ops} ops per round`)
    const T = `"${schema}".tokens`
    const rawInsert = `INSERT INTO ${T} (${SELECT_LIST}) VALUES (${TOKEN_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`
    const rawGet = `SELECT ${SELECT_LIST} FROM ${T} WHERE token = $1`
    const rawUpdate = `UPDATE ${T} SET status = $3, version = $2 + 1 WHERE token = $1 AND version = $2`

    let batch = 0
    const fresh = (): Array<TokenRecord.TokenRecord> => {
      const prefix = `b${(batch++).toString(36)}x`
      return Array.from({ length: ops }, (_, i) => tokenizeLike(i, prefix, { customerId: `customer-${i}`, agreements: [] }))
    }
    results.push(
      await compare(
        "postgres insert (16 callers)",
        "raw pg INSERT, same pool",
        () => {
          const rows = fresh()
          return concurrently(ops, (i) => Effect.runPromise(store.insert(rows[i]!)))
        },
        () => {
          const rows = fresh()
          return concurrently(ops, (i) => pool.query(rawInsert, toParams(rows[i]!)))
        }
      )
    )

    const existing = (await pool.query<{ token: string }>(`SELECT token FROM ${T} LIMIT $1`, [ops])).rows.map((r) => r.token)
    const pick = (i: number): string => existing[(i * 7919) % existing.length]!
    results.push(
      await compare(
        "postgres get (16 callers)",
        "raw pg primary-key SELECT, same pool",
        () => concurrently(ops, (i) => Effect.runPromise(store.get(pick(i)))),
        () => concurrently(ops, (i) => pool.query(rawGet, [pick(i)]))
      )
    )

    // Each round updates every record once: ours through the port (next version), raw by SQL.
    const current = new Map<string, TokenRecord.TokenRecord>()
    for (const token of existing) current.set(token, (await Effect.runPromise(store.get(token)))!)
    results.push(
      await compare(
        "postgres update, compare-and-set (16 callers)",
        "raw pg UPDATE … AND version = $2",
        () =>
          concurrently(ops, async (i) => {
            const r = current.get(existing[i % existing.length]!)!
            const next = { ...r, status: r.status === "ACTIVE" ? "SUSPENDED" as const : "ACTIVE" as const, version: r.version + 1 }
            await Effect.runPromise(store.update(next))
            current.set(r.token, next)
          }),
        () =>
          concurrently(ops, async (i) => {
            const r = current.get(existing[i % existing.length]!)!
            const next = { ...r, status: r.status === "ACTIVE" ? "SUSPENDED" as const : "ACTIVE" as const, version: r.version + 1 }
            const done = await pool.query(rawUpdate, [r.token, r.version, next.status])
            if (done.rowCount !== 1) throw new Error("raw update missed")
            current.set(r.token, next)
          })
      )
    )

    results.push(...(await vaultBenches(store, ops, rawInsert, rawGet, rawUpdate)))
  } finally {
    await store.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined)
    await Effect.runPromise(store.end())
    srv.stop()
  }
  return results
}

/** Benchmarks 4–6: the vault over the store, against the raw statements on the same pool. */
const vaultBenches = async (
  store: PostgresTokenStore.PostgresTokenStore,
  ops: number,
  rawInsert: string,
  rawGet: string,
  rawUpdate: string
): Promise<Array<Result>> => {
  const vault = vaultOver(store)
  await runVault(vault.addMerchant({ merchantId: "bench", format: "opaque" }))
  let batch = 0
  const tokens: Array<string> = []
  const tokenize = () => {
    const base = 1_000_000 * ++batch
    return concurrently(ops, async (i) => {
      const view = await runVault(
        vault.tokenize({ merchantId: "bench", customerId: `c${i}`, pan: luhnPan(base + i), expiry: { month: 12, year: 2030 } })
      )
      tokens.push(view.token)
    })
  }
  const insertRaw = () => {
    const prefix = `v${(batch++).toString(36)}x`
    const rows = Array.from({ length: ops }, (_, i) => toParams(tokenizeLike(i, prefix, { customerId: `customer-${i}`, agreements: [] })))
    return concurrently(ops, (i) => store.pool.query(rawInsert, rows[i]))
  }
  const out: Array<Result> = []
  out.push(await compare("postgres vault.tokenize (16 callers)", "raw pg INSERT, same pool", tokenize, insertRaw, { target: "≥ 0.6" }))
  const pick = (i: number): string => tokens[(i * 7919) % tokens.length]!
  out.push(
    await compare(
      "postgres vault.getToken (16 callers)",
      "raw pg primary-key SELECT, same pool",
      () => concurrently(ops, (i) => runVault(vault.getToken("bench", pick(i)))),
      () => concurrently(ops, (i) => store.pool.query(rawGet, [pick(i)])),
      { target: "≥ 0.6" }
    )
  )
  // The raw baseline flips the status of records it owns (its own versions), as benchmark 3 does.
  const own = new Map((await store.pool.query<{ token: string; version: string }>(
    `SELECT token, version FROM "${store.schema}".tokens WHERE merchant_id <> 'bench' LIMIT $1`,
    [ops]
  )).rows.map((r) => [r.token, Number(r.version)]))
  const owned = [...own.keys()]
  const use = { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" } as const
  out.push(
    await compare(
      "postgres vault.authorizeUse (16 callers)",
      "raw pg SELECT + UPDATE … AND version",
      () => concurrently(ops, (i) => runVault(vault.authorizeUse({ merchantId: "bench", token: pick(i), ...use }))),
      () =>
        concurrently(ops, async (i) => {
          const token = owned[i % owned.length]!
          await store.pool.query(rawGet, [token])
          const version = own.get(token)!
          const done = await store.pool.query(rawUpdate, [token, version, i % 2 === 0 ? "SUSPENDED" : "ACTIVE"])
          if (done.rowCount !== 1) throw new Error("raw update missed")
          own.set(token, version + 1)
        }),
      { target: "≥ 0.6" }
    )
  )
  return out
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run()
}
