/**
 * The recovery benchmark's child: opens a store directory in a fresh process
 * (a restart), reports the recovery figures, the CPU time, the memory store's
 * rate at indexing the same records in the same process (the ceiling), and,
 * with `compact`, compacts and reports that too. Prints one JSON line.
 *
 *     node --import tsx recover.ts <dir> [compact]
 */
import type { Group, TokenRecord } from "@tokenvault/core"
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import { Effect } from "effect"
import * as FileTokenStore from "../src/FileTokenStore.ts"

const [dir, mode] = process.argv.slice(2) as [string, string | undefined]

const main = Effect.gen(function*() {
  const cpu0 = process.cpuUsage()
  const store = yield* FileTokenStore.open(dir, { autoCompact: false })
  const cpu = process.cpuUsage(cpu0)
  const stats = yield* store.stats()
  // Every record, through the port, then indexed again by a fresh memory store.
  const records: Array<TokenRecord.TokenRecord> = []
  for (let k = 0; k < 20; k++) {
    let cursor: string | undefined = undefined
    for (;;) {
      const page: { items: ReadonlyArray<TokenRecord.TokenRecord>; cursor: string | undefined } = yield* store.listByScope(
        `merchant:merchant-${k}` as Group.Scope,
        { limit: 1000, cursor }
      )
      records.push(...page.items)
      if (page.cursor === undefined) break
      cursor = page.cursor
    }
  }
  const memory = MemoryTokenStore.make()
  const t0 = performance.now()
  for (const r of records) Effect.runSync(memory.insert(r))
  const memoryRate = (records.length * 1000) / (performance.now() - t0)
  const compaction = mode === "compact" ? yield* store.compact() : undefined
  yield* store.close()
  return {
    records: stats.recovery.records,
    millis: stats.recovery.millis,
    recordsPerSecond: stats.recovery.recordsPerSecond,
    cpuMillis: (cpu.user + cpu.system) / 1000,
    listed: records.length,
    memoryRate,
    compaction,
    heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20)
  }
})

Effect.runPromise(main).then(
  (r) => console.log(JSON.stringify(r)),
  (e) => {
    console.log(JSON.stringify({ error: String(e?.reason?._tag ?? e) }))
    process.exit(1)
  }
)
