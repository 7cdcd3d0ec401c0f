import { describe, expect, it } from "vitest"
import * as PaymentTokenization from "../src/PaymentTokenization.ts"
import { fc, params } from "./fc.ts"
import { anything, customModel, customValue, failure, nastyString, success } from "./support.ts"

const outcome = fc.constantFrom<PaymentTokenization.Outcome>("AUTHORIZED", "DECLINED", "VERIFIED")

const requestToken = fc.oneof(
  fc.constantFrom("MASKEDPAN", ":FORCED:MASKEDPAN", "", ":FORCED:", "maskedpan"),
  customValue,
  customValue.map((v) => ":FORCED:" + v),
  nastyString
)

const flags = fc.record(
  {
    createRegistration: fc.option(fc.boolean(), { nil: undefined }),
    requestToken: fc.option(requestToken, { nil: undefined })
  },
  { requiredKeys: [] }
)

/** The decision, modelled from ACI's createRegistration and Axerve's requestToken rules. */
const expectModel = (f: PaymentTokenization.Flags, o: unknown): void => {
  const r = PaymentTokenization.decide(f, o)
  if (o !== "AUTHORIZED" && o !== "DECLINED" && o !== "VERIFIED") {
    failure(r, "INVALID_INPUT")
    return
  }
  const paid = o !== "DECLINED"
  if (f.requestToken !== undefined) {
    if (f.createRegistration === true) {
      failure(r, "INVALID_INPUT")
      return
    }
    const forced = f.requestToken.startsWith(":FORCED:")
    const body = forced ? f.requestToken.slice(8) : f.requestToken
    if (body === "") {
      failure(r, "REQUEST_TOKEN_INVALID")
    } else if (body !== "MASKEDPAN" && customModel(body).length > 0) {
      failure(r, "CUSTOM_TOKEN_INVALID", f.requestToken)
    } else if (!paid && !forced) {
      expect(success(r)).toEqual({ _tag: "NoToken" })
    } else {
      const d = success(r)
      expect(d._tag).toBe("Token")
      if (d._tag === "Token") {
        expect(d.format).toBe(body === "MASKEDPAN" ? "standard" : "custom")
        expect(d.requestToken?.forced).toBe(forced)
      }
    }
    return
  }
  expect(success(r)).toEqual(f.createRegistration === true && paid ? { _tag: "Token", format: "registration" } : { _tag: "NoToken" })
}

describe("PaymentTokenization.decide", () => {
  it("[TOKENIZE-ON-PAYMENT] [TOKENIZE-FORCED] agrees with a model over every flag combination and outcome", () => {
    fc.assert(fc.property(flags, fc.oneof(outcome, anything), (f, o) => expectModel(f, o)), params({ numRuns: 1000 }))
  })

  it("[TOKENIZE-ON-PAYMENT] createRegistration makes a registration token only when AUTHORIZED or VERIFIED", () => {
    expect(success(PaymentTokenization.decide({ createRegistration: true }, "AUTHORIZED"))).toEqual({ _tag: "Token", format: "registration" })
    expect(success(PaymentTokenization.decide({ createRegistration: true }, "VERIFIED"))).toEqual({ _tag: "Token", format: "registration" })
    expect(success(PaymentTokenization.decide({ createRegistration: true }, "DECLINED"))).toEqual({ _tag: "NoToken" })
    expect(success(PaymentTokenization.decide({ createRegistration: false }, "AUTHORIZED"))).toEqual({ _tag: "NoToken" })
    expect(success(PaymentTokenization.decide({}, "AUTHORIZED"))).toEqual({ _tag: "NoToken" })
  })

  it("[TOKENIZE-FORCED] [TOKENIZE-ON-PAYMENT] :FORCED: makes the token even when the payment is DECLINED; without it, none", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant("MASKEDPAN"), customValue), (body) => {
        const forced = success(PaymentTokenization.decide({ requestToken: ":FORCED:" + body }, "DECLINED"))
        expect(forced._tag).toBe("Token")
        expect(success(PaymentTokenization.decide({ requestToken: body }, "DECLINED"))).toEqual({ _tag: "NoToken" })
        for (const o of ["AUTHORIZED", "VERIFIED"] as const) {
          expect(success(PaymentTokenization.decide({ requestToken: body }, o))._tag).toBe("Token")
        }
      }),
      params()
    )
    expect(success(PaymentTokenization.decide({ requestToken: ":FORCED:MASKEDPAN" }, "DECLINED"))).toEqual({
      _tag: "Token",
      format: "standard",
      requestToken: { _tag: "Standard", forced: true }
    })
  })

  it("[TOKENIZE-ON-PAYMENT] an invalid requestToken is refused whatever the outcome; both flags at once is INVALID_INPUT", () => {
    fc.assert(
      fc.property(outcome, (o) => {
        expect(failure(PaymentTokenization.decide({ requestToken: "SHORT" }, o), "CUSTOM_TOKEN_INVALID").gatewayCode).toBe("1160")
        failure(PaymentTokenization.decide({ requestToken: ":FORCED:" }, o), "REQUEST_TOKEN_INVALID")
        failure(PaymentTokenization.decide({ requestToken: "MASKEDPAN", createRegistration: true }, o), "INVALID_INPUT")
      }),
      params()
    )
  })

  it("[TOKENIZE-ON-PAYMENT] flags that are not an object are INVALID_INPUT", () => {
    for (const bad of [null, undefined, "MASKEDPAN", 1, true]) {
      failure(PaymentTokenization.decide(bad as unknown as PaymentTokenization.Flags, "AUTHORIZED"), "INVALID_INPUT")
    }
  })
})
