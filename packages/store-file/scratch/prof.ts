import { Effect } from "effect"
import * as fs from "node:fs"
import * as FileTokenStore from "../src/FileTokenStore.ts"
import { record, tempDir, cleanup } from "../test/support.ts"
const main = async () => {
  const d = tempDir("p")
  const s = await Effect.runPromise(FileTokenStore.open(d, { durability: "none" }))
  for (let i = 0; i < 50; i++) await Effect.runPromise(s.insert(record(i)))
  await Effect.runPromise(s.close())
  let t = performance.now()
  for (let i = 0; i < 100; i++) { const x = await Effect.runPromise(FileTokenStore.open(d, { durability: "none" })); await Effect.runPromise(x.close()) }
  console.log("open+close ms", (performance.now() - t) / 100)
  const x = await Effect.runPromise(FileTokenStore.open(d, { durability: "none" }))
  t = performance.now()
  for (let i = 0; i < 1000; i++) await Effect.runPromise(x.get(record(1).token))
  console.log("get us", (performance.now() - t))
  t = performance.now()
  for (let i = 0; i < 100; i++) await Effect.runPromise(x.insert(record(1000 + i)))
  console.log("insert(none) ms", (performance.now() - t) / 100)
  await Effect.runPromise(x.close())
  const y = await Effect.runPromise(FileTokenStore.open(d))
  t = performance.now()
  for (let i = 0; i < 100; i++) await Effect.runPromise(y.insert(record(2000 + i)))
  console.log("insert(fsync) ms", (performance.now() - t) / 100)
  await Effect.runPromise(y.close())
  cleanup()
}
main()
