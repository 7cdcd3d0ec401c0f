/**
 * The conformance kit's vault (gateway) suite against a vault over the
 * PostgreSQL store: every run gets emptied tables in this file's schema and
 * a fresh vault over a store on a shared pool.
 */
import * as VaultDriver from "@tokenvault/conformance/drivers/VaultDriver"
import { vaultSuite } from "@tokenvault/conformance/VaultSuite"
import { Effect } from "effect"
import { afterAll, beforeAll, it } from "vitest"
import { PostgresTokenStore } from "../src/index.ts"
import { budget } from "./support/budget.ts"
import { adminPool, clearSchema, dropSchemas, freshSchemaName, kitSeed, serverUrl } from "./support/postgres.ts"

const schema = freshSchemaName("vault")
let shared: ReturnType<typeof adminPool> | undefined

beforeAll(async () => {
  shared = adminPool(serverUrl())
  await Effect.runPromise(Effect.flatMap(PostgresTokenStore.make({ pool: shared, schema }), (s) => s.migrate()))
}, 900_000) // may install and start PostgreSQL (.ci/postgres.sh)

afterAll(async () => {
  if (shared === undefined) return
  await dropSchemas(shared, [schema])
  await shared.end()
})

vaultSuite({
  name: "vault over postgres",
  test: it,
  timeout: 300_000,
  ...budget(),
  seed: kitSeed("vault suite over postgres"),
  driver: async () => {
    await clearSchema(shared!, schema)
    return VaultDriver.make({ store: await Effect.runPromise(PostgresTokenStore.make({ pool: shared!, schema })) })
  }
})
