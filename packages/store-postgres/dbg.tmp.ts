import { runStoreProperties } from "@tokenvault/conformance/StoreSuite"
import { Effect } from "effect"
import pg from "pg"
import { PostgresTokenStore } from "./src/index.ts"
const url = process.env.TOKENVAULT_PG_URL!
const schema = "dbg_" + process.pid
const shared = new pg.Pool({ connectionString: url, max: Number(process.env.MAX ?? 3) })
const s0 = await Effect.runPromise(PostgresTokenStore.make({ pool: shared, schema, maxPageSize: 3 }))
await Effect.runPromise(s0.migrate())
const t = setInterval(() => console.log("pool", shared.totalCount, shared.idleCount, shared.waitingCount), 5000)
const results = await runStoreProperties({
  reopen: () => Effect.runPromise(PostgresTokenStore.make({ pool: shared, schema, maxPageSize: 3 })),
  name: "postgres", numRuns: Number(process.env.RUNS ?? 5), property: "concurrent",
  factory: async () => { await shared.query(`DELETE FROM "${schema}".memberships; DELETE FROM "${schema}".tokens; DELETE FROM "${schema}".merchants; DELETE FROM "${schema}".groups`); return Effect.runPromise(PostgresTokenStore.make({ pool: shared, schema, maxPageSize: 3 })) },
}, (r) => console.log(r.status, r.property?.name ?? "", JSON.stringify(r).slice(0, 1500)))
clearInterval(t)
await shared.query(`DROP SCHEMA "${schema}" CASCADE`)
await shared.end()
