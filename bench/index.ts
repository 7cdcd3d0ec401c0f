/**
 * `pnpm bench`: every benchmark prints a ratio against a baseline measured in
 * the same run, and all figures go to bench-results.json at the repo root.
 */
import { existsSync } from "node:fs"
import { type Result, machine, write } from "./harness.ts"
import * as Report from "./Report.ts"
import { runVaultBench } from "./vault.bench.ts"

const only = process.argv.slice(2)
const want = (name: string) => only.length === 0 || only.includes(name)

console.log(`tokenvault benchmarks on ${machine()}`)
const results: Array<Result> = []
if (want("vault")) results.push(...(await runVaultBench()))

const external: ReadonlyArray<readonly [string, string]> = [
  ["crypto", "../packages/vault/bench/crypto.bench.ts"],
  ["file", "../packages/store-file/bench/fileStore.bench.ts"],
  ["postgres", "../packages/store-postgres/bench/postgres.bench.ts"]
]
for (const [name, path] of external) {
  if (!want(name) || !existsSync(new URL(path, import.meta.url))) continue
  const mod = (await import(path)) as { run: () => Promise<Array<Result>> }
  console.log(`\n# ${name}`)
  results.push(...(await mod.run()))
}
write("bench-results.json", results)
console.log(`\nwrote bench-results.json (${results.length} results)`)
// Only a full run may replace the published table.
if (only.length === 0 && Report.render("docs/benchmarks.md", results, machine(), new Date().toISOString().slice(0, 10))) {
  console.log("updated the table in docs/benchmarks.md")
}
