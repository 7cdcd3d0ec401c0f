import { describe, expect, it } from "vitest"
import * as MerchantPrefix from "../src/MerchantPrefix.ts"
import { fc, params } from "./fc.ts"
import { ALNUM, anything, failure, nastyString, prefix, success } from "./support.ts"

const merchantId = fc.constantFrom("m1", "m2", "m3", "m4", "shop-9000001", "shop-9000002")

/** Registries of assigned prefixes, with plenty of collisions among a few prefixes. */
const registry = fc
  .array(fc.tuple(merchantId, fc.oneof(fc.constantFrom("XYZW", "0000", "AB12", "1234"), prefix)), { maxLength: 8 })
  .map((entries) => new Map(entries))

const candidate = fc.oneof(
  prefix,
  fc.constantFrom("XYZW", "0000", "AB12", "1234", "xyzw", "XYZ", "XYZWV", "XY_W", "ＸＹＺＷ", "٤٤٤٤", "", " XYZ"),
  nastyString,
  anything
)

/** An independent model of rejection sampling: bytes ≥ 252 are skipped, the rest map to [0-9A-Z] by b mod 36. */
const modelAssign = (random: Uint8Array, taken: ReadonlySet<string>): string | undefined => {
  const chars = [...random].filter((b) => b < 252).map((b) => ALNUM[b % 36]!)
  for (let i = 0; i + 4 <= chars.length; i += 4) {
    const p = chars.slice(i, i + 4).join("")
    if (!taken.has(p)) return p
  }
  return undefined
}

describe("MerchantPrefix.validate", () => {
  it("[MERCHANT-PREFIX] agrees with a model: 4 upper-case letters or digits, unique per merchant", () => {
    fc.assert(
      fc.property(candidate, merchantId, registry, (p, m, reg) => {
        const r = MerchantPrefix.validate(p, m, reg)
        if (typeof p !== "string" || !/^[A-Z0-9]{4}$/.test(p)) {
          expect(failure(r, "PREFIX_INVALID", p).rule).toBe("MERCHANT-PREFIX")
        } else if ([...reg].some(([other, taken]) => taken === p && other !== m)) {
          expect(failure(r, "PREFIX_TAKEN", p).rule).toBe("MERCHANT-PREFIX")
        } else {
          expect(success(r)).toBe(p)
        }
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[MERCHANT-PREFIX] a merchant may keep its own prefix, but no other merchant may take it", () => {
    const reg = new Map([["shop-9000001", "XYZW"]])
    expect(success(MerchantPrefix.validate("XYZW", "shop-9000001", reg))).toBe("XYZW")
    failure(MerchantPrefix.validate("XYZW", "shop-9000002", reg), "PREFIX_TAKEN")
    failure(MerchantPrefix.validate("xyzw", "shop-9000003", new Map()), "PREFIX_INVALID")
    expect(MerchantPrefix.pattern.test("XYZW")).toBe(true)
  })
})

describe("MerchantPrefix.assign", () => {
  it("[MERCHANT-PREFIX] picks the first unassigned prefix drawn without bias, or undefined when the bytes run out", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), registry, (random, reg) => {
        const assigned = MerchantPrefix.assign(random, reg)
        expect(assigned).toBe(modelAssign(random, new Set(reg.values())))
        if (assigned !== undefined) {
          expect(assigned).toMatch(/^[A-Z0-9]{4}$/)
          expect(success(MerchantPrefix.validate(assigned, "a-new-merchant", reg))).toBe(assigned)
        }
      }),
      params({ numRuns: 1000 })
    )
  })

  it("[MERCHANT-PREFIX] skips taken prefixes and rejected bytes", () => {
    // X=33, Y=34, Z=35, W=32 ; 252–255 are rejected.
    const xyzw = [33, 34, 35, 32]
    expect(MerchantPrefix.assign(Uint8Array.from(xyzw), new Map())).toBe("XYZW")
    expect(MerchantPrefix.assign(Uint8Array.from(xyzw), new Map([["m1", "XYZW"]]))).toBeUndefined()
    expect(MerchantPrefix.assign(Uint8Array.from([...xyzw, 255, 0, 1, 252, 2, 3]), new Map([["m1", "XYZW"]]))).toBe("0123")
    expect(MerchantPrefix.assign(Uint8Array.from([33 + 36, 34 + 72, 35 + 108, 32 + 216]), new Map())).toBe("XYZW")
    expect(MerchantPrefix.assign(new Uint8Array(0), new Map())).toBeUndefined()
  })
})
