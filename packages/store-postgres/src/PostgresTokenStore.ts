/**
 * The PostgreSQL {@link TokenStore.TokenStore}: durable, and safe for many
 * stateless vault instances (processes, hosts) over one database. Every
 * obligation of the port is enforced by the database itself, so it holds
 * across instances:
 *
 * - uniqueness (token value with tombstones, `(merchantId,
 *   merchantRequestId)` over records' own and bound keys, one ACTIVE token per `(scope, customerId,
 *   fingerprint)`, merchant prefix, group) by unique constraints and a
 *   unique partial index; a violation maps (by constraint name, SQLSTATE
 *   23505) to reason `Duplicate` with the port's constraint;
 * - compare-and-set by a `version` column: `UPDATE … WHERE token = $1 AND
 *   version = $v - 1`, and when no row changed, `NotFound` or `Conflict`;
 * - `changeMembership` (membership and re-scoping) in one transaction,
 *   all-or-nothing on the ACTIVE-fingerprint index.
 * - merchants cached in memory (`merchantCacheMs`) but never trusted: every
 *   change bumps the merchant row's `version`; the store remembers, per
 *   fiber, the version `getMerchant` answered with, and that fiber's next
 *   statement confirms it (a mismatch fails with `Conflict`). An `insert`
 *   after such a read runs only while the owner is still at that version,
 *   under a lock a membership change waits for, so a token never lands in
 *   the scope of a membership being changed; `putMerchant` after such a read
 *   is an insert (`Duplicate("merchant")` when registered meanwhile) or a
 *   compare-and-set on that version, and `changeMembership` is
 *   compare-and-set on it.
 *
 * Connection problems (server down or restarting, connect or statement
 * timeout, too many connections) fail with reason `Unavailable`; the store
 * recovers by itself when the server is back. The schema is versioned
 * ({@link Migrations}) and applied by `migrate()` or on first use.
 *
 * **Example** (A store in a layer)
 *
 * ```ts
 * import { PostgresTokenStore } from "@tokenvault/store-postgres"
 *
 * const StoreLive = PostgresTokenStore.layer({ connectionString: process.env.DATABASE_URL! })
 * ```
 *
 * **Gotchas**
 *
 * - `durability: "fsync"` holds when the server runs with `fsync = on` and
 *   `synchronous_commit = on` (PostgreSQL's defaults).
 * - An operation that fails with `Unavailable` because the connection broke
 *   *while* it ran may or may not have been applied: an insert retried after
 *   that may see `Duplicate("token")` or `Duplicate("merchantRequestId")`
 *   for its own record (the vault's idempotency key resolves it).
 *
 * @since 0.1.0
 */
import type { IsoDate, Merchant, TokenRecord } from "@tokenvault/core"
import * as TokenStore from "@tokenvault/vault/TokenStore"
import { Effect, Layer } from "effect"
import pg from "pg"
import { isConnectionError, isRetryableTransaction, toStoreError } from "./internal/errors.ts"
import { type Cache, makeCache, type Seen, versionOf } from "./internal/merchants.ts"
import { fromRow, SELECT_LIST, TOKEN_COLUMNS, type TokenRow, toParams } from "./internal/rows.ts"
import * as Migrations from "./Migrations.ts"

/**
 * Connection-pool settings for a pool the store creates.
 *
 * @category models
 * @since 0.1.0
 */
export interface PoolOptions {
  /** Most connections (default 10). */
  readonly max?: number | undefined
  /** Milliseconds to wait for a connection, connecting included (default 5 000). */
  readonly connectTimeoutMs?: number | undefined
  /** Milliseconds an idle connection is kept (default 30 000). */
  readonly idleTimeoutMs?: number | undefined
  /** Server-side statement timeout in milliseconds (default 10 000). */
  readonly statementTimeoutMs?: number | undefined
  /** Client-side timeout for a query's answer, for a server that vanished silently (default statement timeout + 5 000). */
  readonly queryTimeoutMs?: number | undefined
  /** Seconds after which a connection is replaced (default 0: never). */
  readonly maxLifetimeSeconds?: number | undefined
  /** `application_name` shown in `pg_stat_activity` (default `tokenvault`). */
  readonly applicationName?: string | undefined
}

/**
 * Options for {@link make}.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** `postgres://user:password@host:port/database` (ignored when `pool` is a `pg.Pool`). */
  readonly connectionString?: string | undefined
  /**
   * Settings for the pool the store creates, or a `pg.Pool` you own: the
   * store then uses it as is and never ends it.
   */
  readonly pool?: PoolOptions | pg.Pool | undefined
  /** The PostgreSQL schema holding the tables (default `tokenvault`); created by the first migration. */
  readonly schema?: string | undefined
  /** The largest page a query returns (default 1 000). */
  readonly maxPageSize?: number | undefined
  /**
   * Apply missing migrations on first use (default `true`). With `false`,
   * operations fail with `Unavailable` until `migrate()` has run.
   */
  readonly autoMigrate?: boolean | undefined
  /**
   * How long (milliseconds) a merchant read stays in the store's cache
   * (default 5 000; `0` disables it). Every cached answer is confirmed by the
   * caller's next statement, so this bounds how often a change made by
   * another instance costs a `Conflict`, never how stale an answer can be.
   */
  readonly merchantCacheMs?: number | undefined
}

/**
 * The PostgreSQL store: the port's operations, plus `migrate` (applies the
 * missing migrations and returns their versions), `end` (the same as
 * `close`: ends the pool if the store created it), and the pool itself (for
 * health checks and tooling).
 *
 * @category models
 * @since 0.1.0
 */
export interface PostgresTokenStore extends TokenStore.Service {
  /** Applies the missing migrations (under the advisory lock) and returns their versions; `[]` when up to date. */
  readonly migrate: () => Effect.Effect<ReadonlyArray<number>, TokenStore.TokenStoreError>
  /** Closes the store (as `close`): later calls fail with `Unavailable`; the pool is ended if the store created it. */
  readonly end: () => Effect.Effect<void>
  /** The connection pool the store uses. */
  readonly pool: pg.Pool
  /** The PostgreSQL schema holding the tables. */
  readonly schema: string
}

/**
 * The advisory-lock class id migrations lock under (`'tokv'`).
 *
 * @category models
 * @since 0.1.0
 */
export const ADVISORY_LOCK_CLASS = 0x746f6b76

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

const fnv1a32 = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h | 0
}

const SEP = "\u0000"

/** Client-side timeout for one migration statement (the pool's query timeout is meant for ordinary calls). */
const MIGRATION_QUERY_TIMEOUT_MS = 6 * 60 * 60 * 1000

const isPool = (u: unknown): u is pg.Pool =>
  typeof u === "object" && u !== null && typeof (u as pg.Pool).connect === "function" &&
  typeof (u as pg.Pool).query === "function" && typeof (u as pg.Pool).end === "function"

const positiveInt = (u: unknown): boolean => typeof u === "number" && Number.isInteger(u) && u > 0

/**
 * Builds a store over a database. It connects lazily: the first operation
 * (or `migrate()`) opens connections and, with `autoMigrate`, applies the
 * schema. Fails with `Unavailable` only on invalid options.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options): Effect.Effect<PostgresTokenStore, TokenStore.TokenStoreError> =>
  Effect.suspend(() => {
    const schemaName = options.schema ?? "tokenvault"
    if (!SCHEMA_NAME.test(schemaName)) {
      return Effect.fail(TokenStore.errors.unavailable("invalid option: schema must match [A-Za-z_][A-Za-z0-9_]{0,62}"))
    }
    const maxPageSize = options.maxPageSize ?? 1000
    if (!positiveInt(maxPageSize)) return Effect.fail(TokenStore.errors.unavailable("invalid option: maxPageSize"))
    const external = isPool(options.pool) ? options.pool : undefined
    const poolOptions: PoolOptions = external === undefined ? (options.pool as PoolOptions | undefined) ?? {} : {}
    if (external === undefined && (typeof options.connectionString !== "string" || options.connectionString === "")) {
      return Effect.fail(TokenStore.errors.unavailable("invalid option: connectionString is required without a pool"))
    }
    const statementTimeoutMs = poolOptions.statementTimeoutMs ?? 10_000
    const pool = external ?? new pg.Pool({
      connectionString: options.connectionString!,
      max: poolOptions.max ?? 10,
      connectionTimeoutMillis: poolOptions.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: poolOptions.idleTimeoutMs ?? 30_000,
      statement_timeout: statementTimeoutMs,
      query_timeout: poolOptions.queryTimeoutMs ?? statementTimeoutMs + 5_000,
      idle_in_transaction_session_timeout: statementTimeoutMs * 3,
      maxLifetimeSeconds: poolOptions.maxLifetimeSeconds ?? 0,
      application_name: poolOptions.applicationName ?? "tokenvault",
      keepAlive: true,
      allowExitOnIdle: true
    })
    // An idle connection that breaks (server restart) is reported here; the
    // pool drops it. Without a listener, the process would crash.
    if (external === undefined) pool.on("error", () => undefined)
    const cache = makeCache(options.merchantCacheMs ?? 5_000)
    return Effect.succeed(build(pool, external === undefined, schemaName, maxPageSize, options.autoMigrate ?? true, cache))
  })

/**
 * A scoped layer: the store is ended when the scope closes.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<TokenStore.TokenStore, TokenStore.TokenStoreError> =>
  Layer.effect(
    TokenStore.TokenStore,
    Effect.acquireRelease(make(options), (store) => store.end())
  )

const build = (
  pool: pg.Pool,
  ownsPool: boolean,
  schemaName: string,
  maxPageSize: number,
  autoMigrate: boolean,
  cache: Cache
): PostgresTokenStore => {
  const S = `"${schemaName}"`
  const T = `${S}.tokens`
  // Prepared per connection. The name carries a hash of the schema (names are
  // cut at 63 bytes, so not the schema itself) so stores over different
  // schemas can share a pool, and the schema version, so a newer release never
  // reuses an older statement of the same name.
  const schemaTag = (fnv1a32(schemaName) >>> 0).toString(36)
  const stmt = (name: string, text: string): { readonly name: string; readonly text: string } => ({
    name: `tv${Migrations.latestVersion}_${schemaTag}_${name}`,
    text
  })
  const placeholders = TOKEN_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")
  const K = `${S}.request_keys`
  const KEY_COLUMNS = "merchant_id, merchant_request_id, token, request_digest"
  /** An insert of a record that also writes its own key to `request_keys`, in the same statement; answers how many records it wrote. */
  const withOwnKey = (insert: string): string =>
    `WITH t AS (${insert} RETURNING ${KEY_COLUMNS}),
     k AS (INSERT INTO ${K} (${KEY_COLUMNS}) SELECT ${KEY_COLUMNS} FROM t WHERE merchant_request_id IS NOT NULL)
     SELECT count(*)::int AS inserted FROM t`
  const q = {
    insert: stmt("insert", withOwnKey(`INSERT INTO ${T} (${SELECT_LIST}) VALUES (${placeholders})`)),
    // Inserts only while the owner is at the version the caller read, under a
    // key-share lock that a membership change (FOR UPDATE) waits for, and that
    // waits for one: the token lands in the scope of the current membership.
    insertChecked: stmt(
      "insert_checked",
      withOwnKey(`INSERT INTO ${T} (${SELECT_LIST}) SELECT ${placeholders}
       WHERE EXISTS (SELECT 1 FROM ${S}.merchants WHERE merchant_id = $3 AND version = $25 FOR KEY SHARE)`)
    ),
    // Binds only to a token that exists (rows of tokens are never removed); the primary key refuses a taken pair.
    bindRequestId: stmt(
      "bind_request_id",
      `INSERT INTO ${K} (${KEY_COLUMNS}) SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM ${T} WHERE token = $3)`
    ),
    getRequestKey: stmt("get_request_key", `SELECT ${KEY_COLUMNS} FROM ${K} WHERE merchant_id = $1 AND merchant_request_id = $2`),
    get: stmt("get", `SELECT ${SELECT_LIST} FROM ${T} WHERE token = $1`),
    // The same, plus the version of the merchant the caller read.
    getChecked: stmt(
      "get_checked",
      `SELECT (SELECT version FROM ${S}.merchants WHERE merchant_id = $2) AS merchant_version,
       ${TOKEN_COLUMNS.map((c) => `t.${c}`).join(", ")} FROM (VALUES (1)) AS one LEFT JOIN ${T} t ON t.token = $1`
    ),
    merchantVersion: stmt("merchant_version", `SELECT version FROM ${S}.merchants WHERE merchant_id = $1`),
    getByRequestId: stmt(
      "get_by_request",
      `SELECT ${SELECT_LIST} FROM ${T} WHERE merchant_id = $1 AND merchant_request_id = $2`
    ),
    update: stmt(
      "update",
      `WITH u AS (UPDATE ${T} SET ${
        TOKEN_COLUMNS.slice(1).map((c, i) => `${c} = $${i + 2}`).join(", ")
      } WHERE token = $1 AND version = $24::bigint - 1 RETURNING 1)
       SELECT (SELECT count(*) FROM u)::int AS updated, EXISTS (SELECT 1 FROM ${T} WHERE token = $1) AS present`
    ),
    byCustomer: stmt(
      "by_customer",
      `SELECT ${SELECT_LIST} FROM ${T} WHERE scope = $1 AND customer_id = $2 AND status <> 'DELETED' ORDER BY token`
    ),
    byFingerprint: stmt(
      "by_fingerprint",
      `SELECT ${SELECT_LIST} FROM ${T} WHERE scope = $1 AND fingerprint = $2 AND status <> 'DELETED' ORDER BY token`
    ),
    scopeFirst: stmt(
      "scope_first",
      `SELECT ${SELECT_LIST} FROM ${T} WHERE scope = $1 AND status <> 'DELETED' ORDER BY token LIMIT $2`
    ),
    scopeAfter: stmt(
      "scope_after",
      `SELECT ${SELECT_LIST} FROM ${T} WHERE scope = $1 AND status <> 'DELETED' AND token > $3 ORDER BY token LIMIT $2`
    ),
    dueFirst: stmt(
      "due_first",
      `SELECT ${SELECT_LIST} FROM ${T} WHERE status <> 'DELETED' AND retain_until <= $1
       ORDER BY retain_until, token LIMIT $2`
    ),
    dueAfter: stmt(
      "due_after",
      `SELECT ${SELECT_LIST} FROM ${T} WHERE status <> 'DELETED' AND retain_until <= $1
       AND (retain_until, token) > ($3, $4) ORDER BY retain_until, token LIMIT $2`
    ),
    getMerchant: stmt(
      "get_merchant",
      `SELECT m.merchant_id, m.prefix, m.format, m.tokenization, m.luhn, ms.group_id, m.version
       FROM ${S}.merchants m LEFT JOIN ${S}.memberships ms ON ms.merchant_id = m.merchant_id WHERE m.merchant_id = $1`
    ),
    listMerchants: stmt(
      "list_merchants",
      `SELECT m.merchant_id, m.prefix, m.format, m.tokenization, m.luhn, ms.group_id
       FROM ${S}.merchants m LEFT JOIN ${S}.memberships ms ON ms.merchant_id = m.merchant_id ORDER BY m.merchant_id`
    ),
    putMerchant: stmt(
      "put_merchant",
      `INSERT INTO ${S}.merchants (merchant_id, prefix, format, tokenization, luhn) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (merchant_id) DO UPDATE SET prefix = EXCLUDED.prefix, format = EXCLUDED.format,
       tokenization = EXCLUDED.tokenization, luhn = EXCLUDED.luhn, version = ${S}.merchants.version + 1`
    ),
    // After the caller read the merchant as absent: a concurrent registration makes this fail (Duplicate).
    addMerchant: stmt(
      "add_merchant",
      `INSERT INTO ${S}.merchants (merchant_id, prefix, format, tokenization, luhn) VALUES ($1, $2, $3, $4, $5)`
    ),
    // After the caller read version $6: compare-and-set.
    replaceMerchant: stmt(
      "replace_merchant",
      `UPDATE ${S}.merchants SET prefix = $2, format = $3, tokenization = $4, luhn = $5, version = version + 1
       WHERE merchant_id = $1 AND version = $6`
    ),
    createGroup: stmt("create_group", `INSERT INTO ${S}.groups (group_id) VALUES ($1)`),
    hasGroup: stmt("has_group", `SELECT EXISTS (SELECT 1 FROM ${S}.groups WHERE group_id = $1) AS present`)
  }

  let closed = false
  let ready = false
  let readying: Promise<void> | undefined
  const lockKey = fnv1a32(schemaName)

  /** Runs `f` on one connection; a broken connection is destroyed, not returned to the pool. */
  const withClient = async <A>(f: (client: pg.PoolClient) => Promise<A>): Promise<A> => {
    const client = await pool.connect()
    let broken: Error | undefined
    try {
      return await f(client)
    } catch (e) {
      if (isConnectionError(e)) broken = e instanceof Error ? e : new Error("connection error")
      throw e
    } finally {
      client.release(broken)
    }
  }

  /** Runs `f` in a transaction, retrying serialization failures and deadlocks. */
  const transaction = async <A>(f: (client: pg.PoolClient) => Promise<A>): Promise<A> => {
    for (let attempt = 1;; attempt++) {
      try {
        return await withClient(async (client) => {
          await client.query("BEGIN")
          try {
            const a = await f(client)
            await client.query("COMMIT")
            return a
          } catch (e) {
            if (!isConnectionError(e)) await client.query("ROLLBACK")
            throw e
          }
        })
      } catch (e) {
        if (attempt < 4 && isRetryableTransaction(e)) continue
        throw e
      }
    }
  }

  const applyMigrations = (): Promise<ReadonlyArray<number>> =>
    withClient(async (client) => {
      await client.query("SELECT pg_advisory_lock($1, $2)", [ADVISORY_LOCK_CLASS, lockKey])
      try {
        // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when
        // the schema exists; look first.
        const exists = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schemaName])
        if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${S}`)
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${S}.schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
          )`
        )
        const done = new Set(
          (await client.query<{ version: number }>(`SELECT version FROM ${S}.schema_migrations`)).rows.map((r) => r.version)
        )
        const applied: Array<number> = []
        for (const m of Migrations.migrations) {
          if (done.has(m.version)) continue
          await client.query("BEGIN")
          try {
            // A migration may rewrite a large table: no statement timeout inside it.
            await client.query("SET LOCAL statement_timeout = 0")
            for (const sql of m.statements(S)) await client.query({ text: sql, query_timeout: MIGRATION_QUERY_TIMEOUT_MS } as pg.QueryConfig)
            await client.query(`INSERT INTO ${S}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name])
            await client.query("COMMIT")
          } catch (e) {
            if (!isConnectionError(e)) await client.query("ROLLBACK")
            throw e
          }
          applied.push(m.version)
        }
        return applied
      } finally {
        await client.query("SELECT pg_advisory_unlock($1, $2)", [ADVISORY_LOCK_CLASS, lockKey]).catch(() => undefined)
      }
    })

  const checkSchema = (): Promise<void> =>
    pool.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${S}.schema_migrations`).then(
      (r) => {
        const v = r.rows[0]?.v ?? 0
        if (v < Migrations.latestVersion) {
          throw TokenStore.errors.unavailable(`schema is at version ${v}, ${Migrations.latestVersion} needed: run migrate()`)
        }
      },
      (e) => {
        if ((e as { code?: unknown }).code === "42P01" || (e as { code?: unknown }).code === "3F000") {
          throw TokenStore.errors.unavailable(`schema not migrated: run migrate()`)
        }
        throw e
      }
    )

  const ensureReady = (): Promise<void> => {
    readying ??= (autoMigrate ? applyMigrations().then(() => undefined) : checkSchema()).then(
      () => {
        ready = true
      },
      (e) => {
        readying = undefined
        throw e
      }
    )
    return readying
  }

  const CLOSED = (): Promise<never> => Promise.reject(TokenStore.errors.unavailable("closed"))

  /** The one way an operation runs: closed check, schema check, typed errors. */
  const run = <A>(f: () => Promise<A>): Effect.Effect<A, TokenStore.TokenStoreError> =>
    Effect.tryPromise({
      try: () => (closed ? CLOSED() : ready ? f() : ensureReady().then(f)),
      catch: toStoreError
    })

  const query = <R extends object>(
    s: { readonly name: string; readonly text: string },
    values: ReadonlyArray<unknown>
  ): Promise<pg.QueryResult<R>> => pool.query<R>({ name: s.name, text: s.text, values: values as Array<unknown> })

  /** Fails with `Conflict` (and evicts the entry) when the merchant is no longer at the version the caller read. */
  const stale = (seen: Seen): never => {
    cache.evict(seen.merchantId)
    throw TokenStore.errors.conflict()
  }
  const verify = (seen: Seen, current: string | number | null | undefined): void => {
    if (versionOf(current) !== seen.version) stale(seen)
    seen.verified = true
  }

  /** Confirms the fiber's unconfirmed merchant read, by a statement of its own. */
  const confirm = async (seen: Seen | undefined): Promise<void> => {
    if (seen === undefined || seen.verified) return
    const r = await query<{ version: string }>(q.merchantVersion, [seen.merchantId])
    verify(seen, r.rows[0]?.version)
  }

  /** A read that first confirms what the calling fiber read of its merchant. */
  const read = <A>(f: () => Promise<A>): Effect.Effect<A, TokenStore.TokenStoreError> =>
    Effect.withFiber((fiber) => run(() => confirm(cache.seenBy(fiber)).then(f)))

  const limitOf = (request: TokenStore.PageRequest): number =>
    Math.max(1, Math.min(Number.isFinite(request.limit) ? Math.floor(request.limit) : 1, maxPageSize))

  const rowsToRecords = (rows: ReadonlyArray<TokenRow>): Array<TokenRecord.TokenRecord> => rows.map(fromRow)

  interface KeyRow {
    readonly merchant_id: string
    readonly merchant_request_id: string
    readonly token: string
    readonly request_digest: string | null
  }
  interface MerchantRow {
    readonly merchant_id: string
    readonly prefix: string
    readonly format: string
    readonly tokenization: boolean
    readonly luhn: string
    readonly group_id: string | null
    readonly version?: string
  }
  const toMerchant = (r: MerchantRow): TokenStore.MerchantEntry => ({
    merchantId: r.merchant_id,
    prefix: r.prefix,
    format: r.format as Merchant.Merchant["format"],
    tokenization: r.tokenization,
    luhn: r.luhn as Merchant.Merchant["luhn"],
    groupId: r.group_id ?? undefined
  })

  const end = (): Effect.Effect<void> =>
    Effect.promise(async () => {
      if (closed) return
      closed = true
      if (ownsPool) await pool.end().catch(() => undefined)
    })

  return {
    capabilities: { name: "postgres", durable: true, durability: "fsync", multiProcess: true, maxPageSize },
    pool,
    schema: schemaName,
    migrate: () =>
      Effect.tryPromise({
        try: () =>
          closed ? CLOSED() : applyMigrations().then((applied) => {
            ready = true
            return applied
          }),
        catch: toStoreError
      }),
    end,
    close: end,
    insert: (record) =>
      Effect.withFiber((fiber) => {
        const seen = cache.seenBy(fiber)
        if (seen === undefined || seen.merchantId !== record.merchantId) {
          return run(() => query(q.insert, toParams(record)).then(() => undefined))
        }
        return run(() =>
          query<{ inserted: number }>(q.insertChecked, [...toParams(record), seen.version]).then((r) => {
            if (r.rows[0]!.inserted === 0) stale(seen)
          })
        )
      }),
    get: (token) =>
      Effect.withFiber((fiber) => {
        const seen = cache.seenBy(fiber)
        if (seen === undefined || seen.verified) {
          return run(() => query<TokenRow>(q.get, [token]).then((r) => (r.rows[0] === undefined ? undefined : fromRow(r.rows[0]))))
        }
        return run(() =>
          query<TokenRow & { merchant_version: string | null }>(q.getChecked, [token, seen.merchantId]).then((r) => {
            const row = r.rows[0]!
            verify(seen, row.merchant_version)
            return row.token === null ? undefined : fromRow(row)
          })
        )
      }),
    getByRequestId: (merchantId, merchantRequestId) =>
      read(() =>
        query<TokenRow>(q.getByRequestId, [merchantId, merchantRequestId]).then((r) =>
          r.rows[0] === undefined ? undefined : fromRow(r.rows[0])
        )
      ),
    bindRequestId: (key) =>
      read(() =>
        query(q.bindRequestId, [key.merchantId, key.merchantRequestId, key.token, key.requestDigest ?? null]).then((r) => {
          if (r.rowCount === 0) throw TokenStore.errors.notFound()
        })
      ),
    getRequestKey: (merchantId, merchantRequestId) =>
      read(() =>
        query<KeyRow>(q.getRequestKey, [merchantId, merchantRequestId]).then((r): TokenStore.RequestKey | undefined => {
          const row = r.rows[0]
          return row === undefined ? undefined : {
            merchantId: row.merchant_id,
            merchantRequestId: row.merchant_request_id,
            token: row.token,
            requestDigest: row.request_digest ?? undefined
          }
        })
      ),
    update: (next) =>
      run(() =>
        query<{ updated: number; present: boolean }>(q.update, toParams(next)).then((r) => {
          const row = r.rows[0]!
          if (row.updated === 1) return undefined
          throw row.present ? TokenStore.errors.conflict() : TokenStore.errors.notFound()
        })
      ),
    findByCustomer: (scope, customerId) =>
      read(() => query<TokenRow>(q.byCustomer, [scope, customerId]).then((r) => rowsToRecords(r.rows))),
    findByFingerprint: (scope, fingerprint) =>
      read(() => query<TokenRow>(q.byFingerprint, [scope, fingerprint]).then((r) => rowsToRecords(r.rows))),
    listByScope: (scope, request) =>
      read(async () => {
        const limit = limitOf(request)
        const r = request.cursor === undefined
          ? await query<TokenRow>(q.scopeFirst, [scope, limit + 1])
          : await query<TokenRow>(q.scopeAfter, [scope, limit + 1, request.cursor])
        const items = rowsToRecords(r.rows.slice(0, limit))
        return { items, cursor: r.rows.length > limit ? items[items.length - 1]!.token : undefined }
      }),
    dueForPurge: (onOrBefore: IsoDate.IsoDate, request) =>
      run(async () => {
        const limit = limitOf(request)
        let r: pg.QueryResult<TokenRow>
        if (request.cursor === undefined) {
          r = await query<TokenRow>(q.dueFirst, [onOrBefore, limit + 1])
        } else {
          const at = request.cursor.indexOf(SEP)
          if (at < 0) throw TokenStore.errors.corrupt("malformed dueForPurge cursor")
          r = await query<TokenRow>(q.dueAfter, [onOrBefore, limit + 1, request.cursor.slice(0, at), request.cursor.slice(at + 1)])
        }
        const items = rowsToRecords(r.rows.slice(0, limit))
        const last = items[items.length - 1]
        return { items, cursor: r.rows.length > limit && last !== undefined ? last.retainUntil + SEP + last.token : undefined }
      }),
    getMerchant: (merchantId) =>
      Effect.withFiber((fiber) => {
        const hit = closed ? undefined : cache.lookup(merchantId)
        if (hit !== undefined) {
          cache.see(fiber, { merchantId, version: hit.version, verified: false })
          return Effect.succeed(hit.entry)
        }
        return run(() =>
          query<MerchantRow>(q.getMerchant, [merchantId]).then((r) => {
            const row = r.rows[0]
            const version = versionOf(row?.version)
            cache.see(fiber, { merchantId, version, verified: true })
            if (row === undefined) return undefined
            const entry = toMerchant(row)
            cache.remember(entry, version)
            return entry
          })
        )
      }),
    putMerchant: (merchant) =>
      Effect.withFiber((fiber) => {
        const seen = cache.take(fiber, merchant.merchantId)
        const values = [merchant.merchantId, merchant.prefix, merchant.format, merchant.tokenization, merchant.luhn]
        return run(async () => {
          try {
            if (seen === undefined) await query(q.putMerchant, values)
            else if (seen.version === 0) await query(q.addMerchant, values)
            else if ((await query(q.replaceMerchant, [...values, seen.version])).rowCount === 0) stale(seen)
          } finally {
            cache.evict(merchant.merchantId)
          }
        })
      }),
    listMerchants: () => run(() => query<MerchantRow>(q.listMerchants, []).then((r) => r.rows.map(toMerchant))),
    createGroup: (groupId) => run(() => query(q.createGroup, [groupId]).then(() => undefined)),
    hasGroup: (groupId) => read(() => query<{ present: boolean }>(q.hasGroup, [groupId]).then((r) => r.rows[0]!.present)),
    changeMembership: (change) =>
      Effect.withFiber((fiber) => {
        const seen = cache.take(fiber, change.merchantId)
        return run(() => transaction(async (client) => {
          // Locking the merchant row serializes membership changes of one
          // merchant, and waits for (and holds off) checked inserts. The
          // change is compare-and-set on the version the caller read.
          const merchant = await client.query<{ version: string }>(
            `SELECT version FROM ${S}.merchants WHERE merchant_id = $1 FOR UPDATE`,
            [change.merchantId]
          )
          if (merchant.rowCount === 0) throw TokenStore.errors.notFound()
          if (seen !== undefined) verify(seen, merchant.rows[0]!.version)
          await client.query(`UPDATE ${S}.merchants SET version = version + 1 WHERE merchant_id = $1`, [change.merchantId])
          if (change.groupId !== undefined) {
            const group = await client.query(`SELECT 1 FROM ${S}.groups WHERE group_id = $1 FOR KEY SHARE`, [change.groupId])
            if (group.rowCount === 0) throw TokenStore.errors.notFound()
          }
          let moved = 0
          if (change.rescope !== undefined) {
            // One statement: the unique partial index refuses the whole
            // re-scoping (and the transaction rolls back) when a moved ACTIVE
            // token meets another in the target scope.
            const r = await client.query(
              `UPDATE ${T} SET scope = $3, version = version + 1 WHERE merchant_id = $1 AND scope = $2`,
              [change.rescope.owner, change.rescope.from, change.rescope.to]
            )
            moved = r.rowCount ?? 0
          }
          if (change.groupId === undefined) {
            await client.query(`DELETE FROM ${S}.memberships WHERE merchant_id = $1`, [change.merchantId])
          } else {
            await client.query(
              `INSERT INTO ${S}.memberships (merchant_id, group_id) VALUES ($1, $2)
               ON CONFLICT (merchant_id) DO UPDATE SET group_id = EXCLUDED.group_id`,
              [change.merchantId, change.groupId]
            )
          }
          return moved
        }).finally(() => cache.evict(change.merchantId)))
      })
  }
}
