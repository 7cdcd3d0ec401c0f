import * as VaultDriver from "./src/drivers/VaultDriver.ts"
import { runVaultProperties } from "./src/VaultSuite.ts"
const stats = new Map<string, number>()
const bump = (k: string) => stats.set(k, (stats.get(k) ?? 0) + 1)
const prop = process.env.PROP
const results = await runVaultProperties({ name: "v", numRuns: 50, seed: 42, property: prop, driver: async () => {
  const d = await VaultDriver.make()
  const w: any = { name: d.name }
  for (const [k, f] of Object.entries(d)) if (typeof f === "function") w[k] = async (...a: any[]) => {
    try { const v = await (f as any)(...a); bump(`${k} ok${k === "tokenizeDuringPayment" && v.token === null ? " (none)" : ""}`); return v } catch (e: any) { bump(`${k} ${e.code}`); throw e }
  }
  return w
} })
console.log(results.map((r) => `${r.name.slice(0, 30)} ${r.status}`).join("\n"))
console.log([...stats.entries()].sort().map(([k, v]) => `${k}: ${v}`).join("\n"))
