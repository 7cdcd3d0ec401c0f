import { runStoreProperties } from "@tokenvault/conformance/StoreSuite"
import { Effect } from "effect"
import pg from "pg"
import { PostgresTokenStore } from "./src/index.ts"
const url = process.env.TOKENVAULT_PG_URL!
const schema = "stress_" + process.pid
const shared = new pg.Pool({ connectionString: url, max: 3 })
const s0 = await Effect.runPromise(PostgresTokenStore.make({ pool: shared, schema, maxPageSize: 3 }))
await Effect.runPromise(s0.migrate())
let last = Date.now(); let runNo = 0
const dog = setInterval(async () => {
  if (Date.now() - last > 20000) {
    console.log(`STALL run ${runNo} for ${Date.now() - last}ms pool total=${shared.totalCount} idle=${shared.idleCount} waiting=${shared.waitingCount}`)
    const a = await new pg.Client({ connectionString: url })
    await a.connect(); const r = await a.query("select pid, state, wait_event_type, wait_event, left(query, 120) q from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"); console.log(r.rows); await a.end()
  }
}, 10000)
for (let round = 0; round < Number(process.env.ROUNDS ?? 5); round++) {
  const results = await runStoreProperties({
    reopen: () => Effect.runPromise(PostgresTokenStore.make({ pool: shared, schema, maxPageSize: 3 })),
    name: "postgres", numRuns: 100, property: "concurrent",
    factory: async () => { runNo++; last = Date.now(); await shared.query(`DELETE FROM "${schema}".memberships; DELETE FROM "${schema}".tokens; DELETE FROM "${schema}".merchants; DELETE FROM "${schema}".groups`); return Effect.runPromise(PostgresTokenStore.make({ pool: shared, schema, maxPageSize: 3 })) },
  }, (r) => console.log(new Date().toISOString(), r.status, r.seed, r.durationMs, r.status === "failed" ? JSON.stringify(r).slice(0, 3000) : ""))
}
clearInterval(dog)
await shared.query(`DROP SCHEMA "${schema}" CASCADE`)
await shared.end()
