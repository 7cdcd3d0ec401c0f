/**
 * Where the tests' PostgreSQL server comes from, and per-file isolation.
 *
 * 1. `TOKENVAULT_PG_URL` when set (CI starts the server with
 *    `eval "$(.ci/postgres.sh start)"`).
 * 2. The URL the package's vitest globalSetup provided (when the package's
 *    own `vitest.config.ts` is used).
 * 3. With `CI` set: fail loudly — CI must never skip these tests silently.
 * 4. Otherwise: `.ci/postgres.sh start`, which (as root) installs
 *    PostgreSQL from Debian's packages when missing and starts a throwaway
 *    cluster in `${TMPDIR:-/tmp}/tokenvault-pg`, shared by every test file
 *    and reused by later runs; `.ci/postgres.sh stop` removes it.
 *
 * Each test file works in its own schemas (`freshSchemaName`), dropped at
 * the end, so files run in parallel on one server.
 */
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"
import { inject } from "vitest"

declare module "vitest" {
  export interface ProvidedContext {
    TOKENVAULT_PG_URL?: string | undefined
  }
}

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..")

/** The server script. */
export const serverScript = path.join(repoRoot, ".ci", "postgres.sh")

/** True when running in CI (`CI` set to anything but `false`/`0`). */
export const inCi = (): boolean => {
  const ci = process.env["CI"]
  return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0"
}

/** Parses the `export TOKENVAULT_PG_URL='…'` line of `.ci/postgres.sh start`. */
export const parseStartOutput = (out: string): { readonly url: string; readonly dir: string | undefined } => {
  const url = /TOKENVAULT_PG_URL='([^']+)'/.exec(out)?.[1]
  if (url === undefined) throw new Error(`.ci/postgres.sh start printed no TOKENVAULT_PG_URL:\n${out}`)
  return { url, dir: /TOKENVAULT_PG_DIR='([^']+)'/.exec(out)?.[1] }
}

/** Runs `.ci/postgres.sh <args>` and returns its stdout (progress goes to stderr). */
export const runServerScript = (args: ReadonlyArray<string>): string =>
  execFileSync(serverScript, [...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 900_000 })

let cached: string | undefined

const injected = (): string | undefined => {
  try {
    return inject("TOKENVAULT_PG_URL")
  } catch {
    return undefined
  }
}

/** The server URL (see the module comment for where it comes from). */
export const serverUrl = (): string => {
  if (cached !== undefined) return cached
  const fromEnv = process.env["TOKENVAULT_PG_URL"]
  if (fromEnv !== undefined && fromEnv !== "") return (cached = fromEnv)
  const provided = injected()
  if (provided !== undefined && provided !== "") return (cached = provided)
  if (inCi()) {
    throw new Error(
      "TOKENVAULT_PG_URL is not set, and CI is. The PostgreSQL tests never skip in CI: start the server first with\n" +
        "  eval \"$(.ci/postgres.sh start)\""
    )
  }
  const { url } = parseStartOutput(runServerScript(["start"]))
  process.env["TOKENVAULT_PG_URL"] = url
  return (cached = url)
}

/** A schema name no other file or run uses. */
export const freshSchemaName = (label: string): string =>
  `t_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${process.pid}_${randomBytes(4).toString("hex")}`

/** A small pool for test bookkeeping (dropping schemas, reading tables directly). */
export const adminPool = (url = serverUrl()): pg.Pool => {
  // Timeouts, so a stuck query fails the test with a typed error instead of hanging it.
  const pool = new pg.Pool({
    connectionString: url,
    max: 3,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 30_000,
    query_timeout: 40_000
  })
  pool.on("error", () => undefined)
  return pool
}

/** Drops schemas (and everything in them). */
export const dropSchemas = async (pool: pg.Pool, schemas: Iterable<string>): Promise<void> => {
  for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
}

/** Deletes every row of a store schema (cheaper than a fresh schema: no DDL, no fsync). */
export const clearSchema = (pool: pg.Pool, schema: string): Promise<unknown> =>
  pool.query(
    `DELETE FROM "${schema}".memberships; DELETE FROM "${schema}".request_keys; DELETE FROM "${schema}".tokens; DELETE FROM "${schema}".merchants; DELETE FROM "${schema}".groups`
  )

/**
 * The conformance kit's seed: `TOKENVAULT_CONFORMANCE_SEED` or `FC_SEED`, else
 * a fresh one; printed either way, so every run (not only a failing one) can
 * be replayed.
 */
export const kitSeed = (what: string): number => {
  const raw = process.env["TOKENVAULT_CONFORMANCE_SEED"] ?? process.env["FC_SEED"]
  const seed = raw !== undefined && raw.trim() !== "" ? Number(raw) | 0 : (Date.now() ^ (Math.random() * 0x100000000)) | 0
  console.log(`[${what}] fast-check seed ${seed} (replay: FC_SEED=${seed})`)
  return seed
}
