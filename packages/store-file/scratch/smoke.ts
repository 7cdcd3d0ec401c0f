import { TokenRecord } from "@tokenvault/core"
import { Effect } from "effect"
import * as FileTokenStore from "../src/FileTokenStore.ts"
import * as fs from "node:fs"
const dir = "/tmp/tv-smoke"
fs.rmSync(dir, { recursive: true, force: true })
const mk = (i: number): TokenRecord.TokenRecord => ({
  token: "tok_" + i, format: "opaque", merchantId: "m1", scope: `merchant:m1`,
  customerId: "c" + (i % 3), instrument: "CARD", brand: "VISA", maskedPan: "411111******1111", expiry: { month: 12, year: 2030 },
  fingerprint: "fp" + i, sealed: { keyVersion: 1, ciphertext: "ct" + i }, status: "ACTIVE",
  deletion: undefined, createdAt: "2024-01-01T00:00:00.000Z", lastActivity: "2024-01-01" as any, extended: false, retainUntil: "2026-01-01" as any,
  agreements: [], merchantRequestId: "req" + i, requestDigest: undefined, version: 1 })
const prog = Effect.gen(function*() {
  const s = yield* FileTokenStore.open(dir)
  yield* s.putMerchant({ merchantId: "m1", prefix: "AB", format: "opaque", tokenization: true, luhn: "enforce" })
  yield* s.createGroup("g1")
  yield* Effect.all(Array.from({ length: 100 }, (_, i) => s.insert(mk(i))), { concurrency: 64 })
  const r = yield* s.get("tok_5")
  yield* s.update({ ...r!, status: "SUSPENDED", version: 2 })
  const n = yield* s.changeMembership({ merchantId: "m1", groupId: "g1", rescope: { owner: "m1", from: "merchant:m1", to: "group:g1" } })
  console.log("moved", n, yield* s.stats())
  const dup = yield* Effect.flip(s.insert(mk(3)))
  console.log("dup", dup.reason)
  yield* s.close()
  const s2 = yield* FileTokenStore.open(dir)
  console.log(yield* s2.get("tok_5"), (yield* s2.stats()).recovery)
  console.log(yield* s2.listMerchants())
  const l = yield* Effect.flip(FileTokenStore.open(dir))
  console.log("second", l.reason._tag)
  console.log(yield* s2.compact())
  console.log((yield* s2.listByScope("group:g1", { limit: 3 })).items.map((r) => r.token))
  yield* s2.close()
  const s3 = yield* FileTokenStore.open(dir)
  console.log((yield* s3.listByScope("group:g1", { limit: 3 })).items.map((r) => r.token), (yield* s3.stats()))
  yield* s3.close()
})
Effect.runPromise(prog).then(() => console.log(fs.readdirSync(dir)), (e) => console.error("FAIL", e))
