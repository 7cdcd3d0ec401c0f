import { runStoreProperties } from "@tokenvault/conformance/StoreSuite"
import { Effect } from "effect"
import pg from "pg"
import { PostgresTokenStore } from "./src/index.ts"
const url = process.env.TOKENVAULT_PG_URL!
const schema = "dbg_" + process.pid
const shared = new pg.Pool({ connectionString: url, max: Number(process.env.MAX ?? 3) })
const s0 = await Effect.runPromise(PostgresTokenStore.make({ pool: shared, schema, maxPageSize: 3 }))
await Effect.runPromise(s0.migrate())
const stats: Record<string, number[]> = {}
const wrap = (s: any) => {
  const out: any = { ...s }
  for (const [k, v] of Object.entries(s)) if (typeof v === "function") out[k] = (...a: any[]) => Effect.suspend(() => { const t = performance.now(); return Effect.ensuring((v as any)(...a), Effect.sync(() => { (stats[k] ??= []).push(performance.now() - t) })) })
  return out
}
let runStart = performance.now(); const runs: number[] = []
const results = await runStoreProperties({
  reopen: () => Effect.runPromise(PostgresTokenStore.make({ pool: shared, schema, maxPageSize: 3 })),
  name: "postgres", numRuns: Number(process.env.RUNS ?? 5), property: process.env.PROP ?? "concurrent",
  factory: async () => { runs.push(performance.now() - runStart); runStart = performance.now(); await shared.query(`DELETE FROM "${schema}".memberships; DELETE FROM "${schema}".tokens; DELETE FROM "${schema}".merchants; DELETE FROM "${schema}".groups`); return wrap(await Effect.runPromise(PostgresTokenStore.make({ pool: shared, schema, maxPageSize: 3 }))) },
}, (r) => console.log(r.status, JSON.stringify(r).slice(0, 300)))
for (const [k, v] of Object.entries(stats)) { v.sort((a, b) => a - b); console.log(k, v.length, "p50", v[v.length >> 1].toFixed(2), "max", v[v.length - 1].toFixed(1), "sum", v.reduce((a, b) => a + b, 0).toFixed(0)) }
runs.sort((a,b)=>a-b); console.log("runs p50", runs[runs.length>>1].toFixed(0), "max", runs[runs.length-1].toFixed(0))
await shared.query(`DROP SCHEMA "${schema}" CASCADE`)
await shared.end()
