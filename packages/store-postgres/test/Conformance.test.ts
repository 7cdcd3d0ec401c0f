/**
 * The conformance kit's store suite against the PostgreSQL store: every
 * property run gets emptied tables in this file's own schema (DELETE, no
 * DDL), a store over a shared pool, and for the durability property a
 * reopen through a brand-new pool (new connections, nothing cached).
 */
import { storeSuite } from "@tokenvault/conformance/StoreSuite"
import { Effect } from "effect"
import { afterAll, beforeAll, it } from "vitest"
import { PostgresTokenStore } from "../src/index.ts"
import { budget } from "./support/budget.ts"
import { adminPool, clearSchema, dropSchemas, freshSchemaName, kitSeed, serverUrl } from "./support/postgres.ts"

const schema = freshSchemaName("conformance")
let shared: ReturnType<typeof adminPool> | undefined

beforeAll(async () => {
  shared = adminPool(serverUrl())
  const store = await Effect.runPromise(PostgresTokenStore.make({ pool: shared, schema, maxPageSize: 3 }))
  await Effect.runPromise(store.migrate())
}, 900_000) // may install and start PostgreSQL (.ci/postgres.sh)

afterAll(async () => {
  if (shared === undefined) return
  await dropSchemas(shared, [schema])
  await shared.end()
})

storeSuite({
  name: "postgres",
  test: it,
  timeout: 300_000,
  ...budget(),
  seed: kitSeed("store suite over postgres"),
  // A small maxPageSize makes the kit's paging walk several pages.
  factory: () =>
    clearSchema(shared!, schema).then(() => Effect.runPromise(PostgresTokenStore.make({ pool: shared!, schema, maxPageSize: 3 }))),
  reopen: () =>
    Effect.runPromise(
      PostgresTokenStore.make({ connectionString: serverUrl(), schema, maxPageSize: 3, pool: { max: 2 } })
    )
})
