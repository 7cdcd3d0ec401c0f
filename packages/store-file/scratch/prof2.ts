import { Effect } from "effect"
import * as FileTokenStore from "../src/FileTokenStore.ts"
import * as FileSystem from "../src/FileSystem.ts"
import { record, tempDir, cleanup } from "../test/support.ts"
const timed: FileSystem.FileSystem = Object.fromEntries(Object.entries(FileSystem.node).map(([k, f]) => [k, async (...a: any[]) => {
  const t = performance.now(); try { const r = await (f as any)(...a); 
  if (k === "open") { const h = r as FileSystem.FileHandle; return Object.fromEntries(Object.entries(h).map(([hk, hf]) => [hk, async (...b: any[]) => { const t2 = performance.now(); try { return await (hf as any)(...b) } finally { console.log("  h." + hk, (performance.now() - t2).toFixed(2)) } }])) }
  return r } finally { console.log(k, (performance.now() - t).toFixed(2)) } }])) as any
const main = async () => {
  const d = tempDir("p")
  const s = await Effect.runPromise(FileTokenStore.open(d, { durability: "none" }))
  for (let i = 0; i < 50; i++) await Effect.runPromise(s.insert(record(i)))
  await Effect.runPromise(s.close())
  console.log("----")
  const t = performance.now()
  const x = await Effect.runPromise(FileTokenStore.open(d, { durability: "none", fileSystem: timed }))
  console.log("open total", performance.now() - t)
  const t2 = performance.now()
  await Effect.runPromise(x.close())
  console.log("close total", performance.now() - t2)
  cleanup()
}
main()
