import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import { it } from "vitest"
import { runStoreProperties } from "../src/StoreSuite.ts"
import * as Property from "../src/Property.ts"

it("scratch", async () => {
  const t0 = Date.now()
  const results = await runStoreProperties({ name: "memory", numRuns: Number(process.env.RUNS ?? 5), property: process.env.PROP, factory: async () => MemoryTokenStore.make({ maxPageSize: 3 }) }, (r) => {
    console.log(r.name, r.status, r.runs, r.durationMs)
    if (r.status === "failed") console.log(Property.formatFailure("memory", r))
  })
  console.log("total", Date.now() - t0)
}, 600000)
