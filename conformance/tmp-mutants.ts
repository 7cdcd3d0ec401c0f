import * as Runner from "./src/Runner.ts"
import * as D from "./test/mutants/driverMutants.ts"
import * as S from "./test/mutants/storeMutants.ts"
const all = [...Object.values(S), ...Object.values(D)]
const seeds = (process.env.SEEDS ?? "1,2,3").split(",").map(Number)
const only = process.env.ONLY
for (const m of all) {
  if (only && !m.name.includes(only)) continue
  for (const seed of seeds) {
    const t0 = Date.now()
    const [report] = await Runner.run({ targets: [m.target], seed, bail: true })
    const failed = report!.rules.filter((r) => !r.passed).map((r) => r.id)
    const hit = failed.some((id) => m.rules.includes(id))
    console.log(`${m.name.padEnd(30)} seed ${seed} ${hit ? "CAUGHT" : failed.length ? "caught-other" : "SURVIVED"} [${failed.join(",")}] ${Date.now() - t0}ms`)
  }
}
