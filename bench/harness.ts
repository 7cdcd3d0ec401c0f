/**
 * A small benchmark harness: every case is measured against a baseline in the
 * same run, interleaved, and reported as a ratio. Medians of several rounds.
 */
import { randomBytes } from "node:crypto"
import { writeFileSync } from "node:fs"
import type { Group, IsoDate, TokenRecord } from "../packages/core/src/index.ts"
import { cpus, totalmem } from "node:os"

export interface Result {
  readonly name: string
  readonly opsPerSec: number
  readonly baseline: string
  readonly baselineOpsPerSec: number
  readonly ratio: number
  readonly target?: string
}

const median = (xs: Array<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Runs `fn` (which performs `ops` operations) and returns ops/s. */
export const rate = async (ops: number, fn: () => unknown | Promise<unknown>): Promise<number> => {
  const t0 = performance.now()
  await fn()
  const ms = performance.now() - t0
  return (ops * 1000) / ms
}

/**
 * A full collection, when `gc` is exposed (`pnpm bench` runs with
 * `--expose-gc`): a timed call starts on a settled heap, so the garbage of a
 * setup or of the other side's last round is not charged to it. What a side
 * allocates during its own round, and the collections that causes, still is.
 */
export const settle = (): void => (globalThis as { gc?: () => void }).gc?.()

/**
 * Interleaves `rounds` rounds of ours and baseline (after one warm-up round
 * each), each call on a settled heap, and returns the medians.
 */
export const compare = async (
  name: string,
  baseline: string,
  ours: () => Promise<number>,
  base: () => Promise<number>,
  options?: { readonly rounds?: number; readonly target?: string }
): Promise<Result> => {
  settle()
  await ours()
  settle()
  await base()
  const a: Array<number> = []
  const b: Array<number> = []
  for (let i = 0; i < (options?.rounds ?? 5); i++) {
    settle()
    a.push(await ours())
    settle()
    b.push(await base())
  }
  const opsPerSec = median(a)
  const baselineOpsPerSec = median(b)
  const result: Result = {
    name,
    opsPerSec: Math.round(opsPerSec),
    baseline,
    baselineOpsPerSec: Math.round(baselineOpsPerSec),
    ratio: Number((opsPerSec / baselineOpsPerSec).toFixed(3)),
    ...(options?.target === undefined ? {} : { target: options.target })
  }
  print(result)
  return result
}

export const print = (r: Result): void => {
  const target = r.target === undefined ? "" : `  (target ${r.target})`
  console.log(
    `${r.name.padEnd(44)} ${String(r.opsPerSec).padStart(10)} /s   vs ${r.baseline.padEnd(34)} ${String(r.baselineOpsPerSec).padStart(10)} /s   ratio ${r.ratio}${target}`
  )
}

export const machine = (): string => {
  const cpu = cpus()[0]?.model ?? "unknown CPU"
  return `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
}

export const write = (path: string, results: ReadonlyArray<Result>): void => {
  writeFileSync(path, JSON.stringify(results, null, 2) + "\n")
}

/**
 * A Luhn-valid 16-digit Visa-range number, distinct for each seed below
 * 9 × 10^13: bench input only, never a real card.
 */
export const luhnPan = (seed: number): string => {
  const body = "4" + String(10000000000000 + (seed % 89999999999999))
  let sum = 0
  for (let i = 0; i < 15; i++) {
    let d = body.charCodeAt(14 - i) - 48
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return body + String((10 - (sum % 10)) % 10)
}

const b64 = (n: number): string => randomBytes(n).toString("base64url")

/**
 * A stored record shaped like the vault's, for store benches: a 12-byte
 * nonce + sealed card data + 16-byte tag, an HMAC fingerprint, a masked PAN,
 * a request digest; `overrides` adjusts fields per bench.
 */
export const tokenizeLike = (i: number, prefix: string, overrides: Partial<TokenRecord.TokenRecord> = {}): TokenRecord.TokenRecord => ({
  token: `${prefix}${i.toString(36).padStart(8, "0")}${b64(12)}`,
  format: "opaque",
  merchantId: `merchant-${i % 20}`,
  scope: `merchant:merchant-${i % 20}` as Group.Scope,
  customerId: `customer-${i % 5000}`,
  instrument: "CARD",
  brand: "VISA",
  maskedPan: "411111******1111",
  expiry: { month: 1 + (i % 12), year: 2030 },
  fingerprint: b64(32),
  sealed: { keyVersion: 3, ciphertext: b64(12 + 40 + 16) },
  status: "ACTIVE",
  deletion: undefined,
  createdAt: "2025-06-01T10:00:00.000Z",
  lastActivity: "2025-06-01" as IsoDate.IsoDate,
  extended: false,
  retainUntil: `2027-0${1 + (i % 9)}-01` as IsoDate.IsoDate,
  agreements: [{ type: "UNSCHEDULED", initialTransactionId: `tx-${i}` }],
  merchantRequestId: `req-${prefix}-${i}`,
  requestDigest: b64(32),
  version: 1,
  ...overrides
})
