/**
 * A test file's scratch space on the server: an admin pool opened before the
 * file's tests, and the schemas and stores they make, ended and dropped after
 * them. Each file calls {@link scratch} once, at the top level.
 */
import type pg from "pg"
import { afterAll, beforeAll } from "vitest"
import type { PostgresTokenStore } from "../../src/index.ts"
import { run } from "./effect.ts"
import { adminPool, dropSchemas, serverUrl } from "./postgres.ts"

export interface Scratch {
  /** The admin pool, for bookkeeping and direct reads (open once the file's `beforeAll` ran). */
  readonly admin: pg.Pool
  /** Schemas to drop after the file's tests. */
  readonly schemas: Array<string>
  /** Stores to end after the file's tests. */
  readonly stores: Array<PostgresTokenStore.PostgresTokenStore>
}

/** Registers the file's `beforeAll` and `afterAll` and returns its scratch space. */
export const scratch = (): Scratch => {
  let admin: pg.Pool | undefined
  const schemas: Array<string> = []
  const stores: Array<PostgresTokenStore.PostgresTokenStore> = []
  beforeAll(() => {
    admin = adminPool(serverUrl())
  }, 900_000) // may install and start PostgreSQL (.ci/postgres.sh)
  afterAll(async () => {
    for (const s of stores) await run(s.end())
    if (admin === undefined) return
    await dropSchemas(admin, schemas)
    await admin.end()
  }, 120_000)
  return {
    get admin() {
      if (admin === undefined) throw new Error("The admin pool opens in the file's beforeAll.")
      return admin
    },
    schemas,
    stores
  }
}
