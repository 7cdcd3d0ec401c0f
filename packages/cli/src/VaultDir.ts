/**
 * A vault in a directory: the key file and the token store side by side.
 * Every command opens the vault, runs one use case and closes it again.
 *
 * | path | what |
 * |---|---|
 * | `DIR/keys.json` | the keyring's key file (data keys, fingerprint key, per-merchant P-384 JWE keys); protected by `$TOKENVAULT_KEK` when set |
 * | `DIR/store/` | the file store (the default); with `--store postgres://…` the store is PostgreSQL instead (a `?schema=NAME` parameter picks the schema, default `tokenvault`) |
 *
 * The directory comes from `--vault`, else `$TOKENVAULT_DIR`, else
 * `./.tokenvault`; the store from `--store`, else `$TOKENVAULT_STORE`, else
 * the file store in the directory.
 *
 * @since 0.1.0
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs"
import { join, resolve } from "node:path"
import { FileTokenStore } from "@tokenvault/store-file"
import type * as StorePostgres from "@tokenvault/store-postgres"
import { CardCrypto, NodeSecureRandom, PromiseVault, TokenStore, Vault } from "@tokenvault/vault"
import * as KeyFile from "@tokenvault/vault/KeyFile"
import * as Keyring from "@tokenvault/vault/Keyring"
import { Clock, Effect, Layer, type Scope } from "effect"
import * as CliFailure from "./CliFailure.ts"

/**
 * A progress callback: units done, and the total when known.
 *
 * @category models
 * @since 0.1.0
 */
export type OnProgress = (done: number, total?: number | undefined) => void

/**
 * Where the vault is and how to run it.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The vault directory (already resolved). */
  readonly dir: string
  /** A PostgreSQL URL, or `undefined` for the file store in `dir`. */
  readonly store?: string | undefined
  /** Epoch milliseconds to run at, or `undefined` for the real clock. */
  readonly now?: number | undefined
}

/**
 * An open vault.
 *
 * @category models
 * @since 0.1.0
 */
export interface Home {
  /** The vault directory. */
  readonly dir: string
  /** The vault's use cases over the store and the keyring. */
  readonly vault: Vault.Service
  /** The token store: the file store in `dir`, or PostgreSQL. */
  readonly store: TokenStore.Service
  /** The keyring loaded from `dir/keys.json`. */
  readonly keyring: Keyring.Service
  /** Compacts the store, when the store can. */
  readonly compact: ((onProgress: OnProgress) => Effect.Effect<unknown, unknown>) | undefined
}

/**
 * The file store's directory inside the vault directory.
 *
 * @category models
 * @since 0.1.0
 */
export const storeDir = "store"

/**
 * Resolves the vault directory: the flag, else `$TOKENVAULT_DIR`, else
 * `./.tokenvault`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolveDir = (flag: string | undefined): string => {
  const env = process.env["TOKENVAULT_DIR"]
  return resolve(flag ?? (env !== undefined && env !== "" ? env : ".tokenvault"))
}

/**
 * Resolves the store: the flag, else `$TOKENVAULT_STORE`; `undefined` (or
 * `file`) means the file store in the vault directory. Anything else but a
 * `postgres://` or `postgresql://` URL is a usage error.
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolveStore = (flag: string | undefined): Effect.Effect<string | undefined, CliFailure.CliFailure> => {
  const env = process.env["TOKENVAULT_STORE"]
  const value = flag ?? (env !== undefined && env !== "" ? env : undefined)
  if (value === undefined || value === "file") return Effect.succeed(undefined)
  if (/^postgres(ql)?:\/\//.test(value)) return Effect.succeed(value)
  return Effect.fail(CliFailure.usage("--store must be `file` or a postgres:// URL."))
}

const isVault = (dir: string): boolean => existsSync(join(dir, KeyFile.fileName)) || existsSync(join(dir, storeDir))

/**
 * Creates a vault in `options.dir` (the directory may exist but must not hold
 * a vault): the key file and an empty store. Refuses with `VAULT_EXISTS`
 * (exit 1) when there is one already.
 *
 * @category constructors
 * @since 0.1.0
 */
export const init = (
  options: Options
): Effect.Effect<{ readonly dir: string; readonly store: string }, unknown> =>
  Effect.gen(function*() {
    const dir = options.dir
    if (isVault(dir)) return yield* CliFailure.rejected("VAULT_EXISTS", `A vault already exists in ${dir}.`)
    yield* Effect.try({
      try: () => {
        mkdirSync(dir, { recursive: true, mode: 0o700 })
        if (!statSync(dir).isDirectory()) throw new Error("not a directory")
      },
      catch: () => CliFailure.rejected("VAULT_IO", `Cannot create the vault directory ${dir}.`)
    })
    // Half a vault is no vault: when any step fails, what this init created goes again.
    const undo = Effect.sync(() => {
      rmSync(join(dir, KeyFile.fileName), { force: true })
      if (options.store === undefined) rmSync(join(dir, storeDir), { recursive: true, force: true })
    })
    yield* Effect.gen(function*() {
      yield* Keyring.fromDirectory(dir, keyringOptions(options.now, true))
      if (options.store === undefined) mkdirSync(join(dir, storeDir), { recursive: true, mode: 0o700 })
      yield* Effect.scoped(openStore(dir, options.store, true))
    }).pipe(Effect.onError(() => undo))
    return { dir, store: options.store === undefined ? "file" : "postgres" }
  })

/**
 * Opens the vault in `options.dir` for the current scope; closing the scope
 * closes the store and the keyring. Fails with `VAULT_NOT_FOUND` (exit 1)
 * when the directory holds no vault.
 *
 * @category constructors
 * @since 0.1.0
 */
export const open = (options: Options): Effect.Effect<Home, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const dir = options.dir
    let empty = true
    try {
      empty = readdirSync(dir).length === 0
    } catch {
      empty = true
    }
    if (empty || !isVault(dir)) {
      return yield* CliFailure.rejected("VAULT_NOT_FOUND", `No vault in ${dir}; create one with \`tokenvault init\`.`)
    }
    if (options.store === undefined && !existsSync(join(dir, storeDir))) {
      return yield* CliFailure.rejected(
        "STORE_MISSING",
        `The vault in ${dir} has no file store; pass --store postgres://… (or set TOKENVAULT_STORE) for its PostgreSQL store.`
      )
    }
    const keyring = yield* Keyring.fromDirectory(dir, keyringOptions(options.now, false))
    const { store, compact } = yield* openStore(dir, options.store, false)
    const ports = Layer.mergeAll(
      Layer.succeed(TokenStore.TokenStore, store),
      Layer.succeed(CardCrypto.CardCrypto, keyring),
      NodeSecureRandom.layer
    )
    const service = yield* Effect.provide(Vault.make, ports)
    return { dir, vault: withClock(service, options.now), store, keyring, compact } satisfies Home
  })

/**
 * Opens the vault's store for the current scope (closed with it): the file
 * store in `DIR/store`, or PostgreSQL for a `postgres://` URL.
 */
const openStore = (
  dir: string,
  url: string | undefined,
  migrate: boolean
): Effect.Effect<{ readonly store: TokenStore.Service; readonly compact: Home["compact"] }, unknown, Scope.Scope> => {
  if (url !== undefined) return Effect.map(openPostgres(url, migrate), (store) => ({ store, compact: undefined }))
  return Effect.map(
    Effect.acquireRelease(FileTokenStore.open(join(dir, storeDir)), (s) => Effect.ignore(s.close())),
    (store) => ({
      store,
      compact: (onProgress: OnProgress) => Effect.suspend(() => {
        onProgress(0)
        return store.compact()
      })
    })
  )
}

/**
 * Takes the CLI's own `schema` query parameter off a PostgreSQL URL
 * (`postgres://…/db?schema=vault_a`): the schema holding the tables, default
 * `tokenvault`.
 */
const splitSchema = (url: string): { readonly connectionString: string; readonly schema: string | undefined } => {
  try {
    const u = new URL(url)
    const schema = u.searchParams.get("schema") ?? undefined
    u.searchParams.delete("schema")
    return { connectionString: u.toString(), schema }
  } catch {
    return { connectionString: url, schema: undefined }
  }
}

/**
 * Opens the PostgreSQL store (migrating the schema on first use), loaded on
 * demand so that `pg` is only loaded for a `postgres://` store; ended when
 * the scope closes.
 */
const openPostgres = (url: string, migrate: boolean): Effect.Effect<TokenStore.Service, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const { PostgresTokenStore } = yield* Effect.tryPromise({
      try: (): Promise<typeof StorePostgres> => import("@tokenvault/store-postgres"),
      catch: () => CliFailure.rejected("NOT_AVAILABLE", "The PostgreSQL store (@tokenvault/store-postgres) is not installed.")
    })
    const { connectionString, schema } = splitSchema(url)
    const store = yield* Effect.acquireRelease(
      PostgresTokenStore.make({ connectionString, schema, pool: { max: 2, applicationName: "tokenvault-cli" } }),
      (s) => s.end()
    )
    if (migrate) yield* store.migrate()
    return store
  })

/**
 * A CLI process seals a handful of values, so it reserves encryptions in
 * small blocks: the keyring counts a whole reserved block as used when the
 * process ends, and 2^20 per invocation would exhaust a key's limit after
 * about two thousand commands.
 */
const RESERVATION_BLOCK = 1024

const keyringOptions = (now: number | undefined, create: boolean) => ({
  create,
  reservationBlock: RESERVATION_BLOCK,
  now: dateFrom(now)
})

const dateFrom = (now: number | undefined): (() => Date) | undefined => now === undefined ? undefined : () => new Date(now)

/**
 * Runs every use case of `service` at the fixed instant `now` (epoch
 * milliseconds), or leaves it on the real clock when `now` is undefined.
 *
 * @category combinators
 * @since 0.1.0
 */
export const withClock = (service: Vault.Service, now: number | undefined): Vault.Service => {
  if (now === undefined) return service
  const clock = PromiseVault.clockFrom(() => now)
  const out: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(service)) {
    out[name] = (...args: Array<unknown>) =>
      Effect.provideService((method as (...a: Array<unknown>) => Effect.Effect<unknown, unknown>)(...args), Clock.Clock, clock)
  }
  return out as unknown as Vault.Service
}
