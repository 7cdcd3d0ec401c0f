import { Effect } from "effect"
import pg from "pg"
import { PostgresTokenStore } from "./src/index.ts"
const url = process.env.TOKENVAULT_PG_URL!
const schema = "lat_" + process.pid
const store = await Effect.runPromise(PostgresTokenStore.make({ connectionString: url, schema }))
await Effect.runPromise(store.migrate())
const rec = (i: number): any => ({ token: "tok" + i, format: "opaque", merchantId: "m1", scope: "merchant:m1", customerId: "c" + i, instrument: "CARD", brand: "VISA", maskedPan: "411111******1111", expiry: { month: 12, year: 2030 }, fingerprint: "fp" + i, sealed: { keyVersion: 1, ciphertext: "x".repeat(80) }, status: "ACTIVE", deletion: undefined, createdAt: "2025-01-01T00:00:00.000Z", lastActivity: "2025-01-01", extended: false, retainUntil: "2030-12-31", agreements: [], merchantRequestId: undefined, requestDigest: undefined, version: 1 })
for (const n of [1, 2]) {
  let t = performance.now()
  for (let i = 0; i < 200; i++) await Effect.runPromise(store.insert(rec(n * 1000 + i)))
  console.log("store insert ms", ((performance.now() - t) / 200).toFixed(3))
  t = performance.now()
  for (let i = 0; i < 200; i++) await Effect.runPromise(store.get("tok" + (n * 1000 + i)))
  console.log("store get ms", ((performance.now() - t) / 200).toFixed(3))
  t = performance.now()
  for (let i = 0; i < 200; i++) await store.pool.query(`SELECT * FROM "${schema}".tokens WHERE token = $1`, ["tok" + (n * 1000 + i)])
  console.log("raw get ms", ((performance.now() - t) / 200).toFixed(3))
  t = performance.now()
  for (let i = 0; i < 200; i++) await store.pool.query(`INSERT INTO "${schema}".groups VALUES ($1)`, ["g" + n + "_" + i])
  console.log("raw small insert ms", ((performance.now() - t) / 200).toFixed(3))
}
await store.pool.query(`DROP SCHEMA "${schema}" CASCADE`)
await Effect.runPromise(store.end())
