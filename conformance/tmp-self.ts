import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import * as Runner from "./src/Runner.ts"
import * as VaultDriver from "./src/drivers/VaultDriver.ts"
import * as Durable from "./test/fixtures/DurableMemoryStore.ts"
const seeds = (process.env.SEEDS ?? "1,2,3").split(",").map(Number)
const targets: Runner.Target[] = [
  { name: "memory", kind: "store", factory: async () => MemoryTokenStore.make() },
  { name: "memory-2", kind: "store", factory: async () => MemoryTokenStore.make({ maxPageSize: 2 }) },
  { name: "durable", kind: "store", factory: async () => Durable.make(), reopen: async (o) => Durable.reopen(o) },
  { name: "vault", kind: "vault", driver: () => VaultDriver.make() }
].filter((t) => !process.env.ONLY || t.name === process.env.ONLY) as Runner.Target[]
for (const seed of seeds) {
  const t0 = Date.now()
  const reports = await Runner.run({ targets, seed, runs: Number(process.env.RUNS ?? 100) })
  for (const r of reports) {
    console.log(`seed ${seed} ${r.target}: ${r.passed} passed ${r.failed} failed`)
    if (r.failed) console.log(Runner.formatReport(r).split("\n").filter((l) => !/  pass  /.test(l)).join("\n"))
  }
  console.log(`  ${Date.now() - t0}ms`)
}
