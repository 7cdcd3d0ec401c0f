import { NodeCardCrypto, PromiseVault } from "@tokenvault/vault"
import { Effect, Redacted } from "effect"
import { fork } from "node:child_process"
import { randomBytes } from "node:crypto"
import { fileURLToPath } from "node:url"
import { PostgresTokenStore } from "./src/index.ts"
const url = process.env.TOKENVAULT_PG_URL!
const panFor = (n: number): string => { const body = `4111${String(n).padStart(11, "0")}`; let sum = 0; for (let i = 0; i < body.length; i++) { let d = Number(body[body.length - 1 - i]); if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9 } sum += d } return body + String((10 - (sum % 10)) % 10) }
const vaultFor = async (schema: string) => PromiseVault.createVault({ store: await Effect.runPromise(PostgresTokenStore.make({ connectionString: url, schema, pool: { max: 16 } })), crypto: NodeCardCrypto.make({ dataKey: Redacted.make(Buffer.from(process.env.DK!, "hex")), fingerprintKey: Redacted.make(Buffer.from(process.env.FK!, "hex")) }) })
if (process.env.WORKER) {
  const vault = await vaultFor(process.env.SCHEMA!)
  const n = Number(process.env.N), base = Number(process.env.BASE)
  await vault.tokenize({ merchantId: "shop", customerId: "warm", pan: panFor(base + n + 1), expiry: "12/39" })
  let next = 0; const t0 = performance.now()
  await Promise.all(Array.from({ length: 16 }, async () => { for (let i = next++; i < n; i = next++) await vault.tokenize({ merchantId: "shop", customerId: `c${base + i}`, pan: panFor(base + i), expiry: "12/39" }) }))
  process.send!({ ms: performance.now() - t0, n }); await vault.close(); process.exit(0)
} else {
  const DK = randomBytes(32).toString("hex"), FK = randomBytes(32).toString("hex"), SCHEMA = "tput_" + process.pid
  process.env.DK = DK; process.env.FK = FK
  const setup = await vaultFor(SCHEMA); await setup.addMerchant({ merchantId: "shop" })
  for (const procs of [1, 2, 4]) {
    const N = 1500
    const t0 = performance.now()
    const res = await Promise.all(Array.from({ length: procs }, (_, p) => new Promise<any>((resolve) => { const c = fork(fileURLToPath(import.meta.url), [], { execArgv: ["--import", "tsx"], env: { ...process.env, WORKER: "1", SCHEMA, N: String(N), BASE: String(procs * 100000 + p * 10000) } }); c.on("message", resolve) })))
    const total = res.reduce((a, r) => a + r.n, 0); const slowest = Math.max(...res.map((r) => r.ms))
    console.log(`${procs} process(es) x 16 callers: ${Math.round(total * 1000 / slowest)} tokenizations/s (${total} in ${Math.round(slowest)} ms)`)
  }
  const store = await Effect.runPromise(PostgresTokenStore.make({ connectionString: url, schema: SCHEMA })); await store.pool.query(`DROP SCHEMA "${SCHEMA}" CASCADE`); await Effect.runPromise(store.end()); await setup.close()
}
