import { TokenRecord } from "@tokenvault/core"
import * as Mem from "@tokenvault/vault/MemoryTokenStore"
import { Effect, Schema, Exit } from "effect"
const mk = (i: number): TokenRecord.TokenRecord => ({
  token: "tok_" + i.toString(36).padStart(10, "0") + "abcdefghijk", format: "opaque", merchantId: "m" + (i % 50), scope: `merchant:m${i % 50}`,
  customerId: "c" + (i % 1000), instrument: "CARD", brand: "VISA", maskedPan: "411111******1111", expiry: { month: 12, year: 2030 },
  fingerprint: "fp" + i.toString(16).padStart(40, "0"), sealed: { keyVersion: 1, ciphertext: "x".repeat(120) }, status: "ACTIVE",
  deletion: undefined, createdAt: "2024-01-01T00:00:00.000Z", lastActivity: "2024-01-01" as any, extended: false, retainUntil: "2026-01-01" as any,
  agreements: [], merchantRequestId: "req" + i, requestDigest: "d".repeat(43), version: 1 })
const N = 200000
const recs = Array.from({ length: N }, (_, i) => mk(i))
const jsons = recs.map((r) => JSON.stringify(TokenRecord.toJson(r)))
console.log("bytes/rec", jsons[0]!.length)
let t = performance.now()
const parsed = jsons.map((j) => JSON.parse(j))
console.log("parse us", (performance.now() - t) * 1000 / N)
const is = Schema.is(TokenRecord.Json)
t = performance.now(); let ok = 0
for (const p of parsed) if (is(p)) ok++
console.log("is us", (performance.now() - t) * 1000 / N, ok)
const dec = Schema.decodeUnknownExit(TokenRecord.Json)
t = performance.now(); ok = 0
for (const p of parsed) if (Exit.isSuccess(dec(p))) ok++
console.log("decodeExit us", (performance.now() - t) * 1000 / N, ok)
const s = Mem.make()
t = performance.now()
for (const r of recs) Effect.runSyncExit(s.insert(r))
console.log("runSyncExit insert us", (performance.now() - t) * 1000 / N)
const s2 = Mem.make()
t = performance.now()
Effect.runSync(Effect.gen(function*() { for (const r of recs) yield* s2.insert(r) }))
console.log("gen insert us", (performance.now() - t) * 1000 / N)
t = performance.now()
for (let i = 0; i < N; i++) Effect.runSyncExit(s.get(recs[i]!.token))
console.log("runSyncExit get us", (performance.now() - t) * 1000 / N)
