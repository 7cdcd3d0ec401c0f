import { Effect } from "effect"
import * as fs from "node:fs"
import * as FileTokenStore from "../src/FileTokenStore.ts"
import { record } from "../test/records.ts"
const dir = "/tmp/tvrec"
const n = Number(process.argv[2] ?? 100000)
const main = async () => {
  if (!fs.existsSync(dir)) {
    const s = await Effect.runPromise(FileTokenStore.open(dir, { durability: "none", autoCompact: false }))
    for (let i = 0; i < n; i += 20000) {
      await Effect.runPromise(Effect.forEach(Array.from({ length: 20000 }, (_, k) => record(i + k, { merchantId: `m${(i + k) % 20}` })), (r) => s.insert(r), { concurrency: 256, discard: true }))
    }
    await Effect.runPromise(s.close())
    console.log("built")
  }
  const t = performance.now()
  const c0 = process.cpuUsage()
  const s = await Effect.runPromise(FileTokenStore.open(dir, { autoCompact: false }))
  const c = process.cpuUsage(c0)
  console.log("cpu ms", (c.user + c.system) / 1000, "rate/cpu-s", Math.round(n / ((c.user + c.system) / 1e6)))
  console.log("open ms", performance.now() - t, (await Effect.runPromise(s.stats())).recovery)
  await Effect.runPromise(s.close())
}
main()
