/**
 * A merchant sends an idempotency key again (one that created a token, or
 * one bound to the duplicate it was answered with): with the same payload it
 * gets the same token (whatever happened to it since); with another card or
 * customer it gets IDEMPOTENCY_CONFLICT.
 *
 * @since 0.1.0
 */
import { settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"
import { settlePlan } from "../Tokenizing.ts"

/**
 * The replay command: re-sends the request of idempotency key `pick`, or a
 * changed copy of it.
 *
 * @category models
 * @since 0.1.0
 */
export class ReplayTokenizeCommand implements Model.Command {
  constructor(readonly pick: number, readonly change: "same" | "otherCustomer" | "otherCard") {}
  check(model: Model.Model): boolean {
    return Model.requestKeys(model).length > 0
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const keys = Model.requestKeys(model)
    const key = keys[this.pick % keys.length]!
    const t = Model.find(model, key.token)!
    const [instrumentKey, customerId, expiry, requestToken, format] = JSON.parse(key.payload) as [
      string,
      string | null,
      [number, number] | null,
      string | null,
      Model.TokenState["format"]
    ]
    const otherCard = this.change === "otherCard"
      ? model.cards.find((c) => `C:${c.pan}` !== instrumentKey && c.luhnValid)
      : undefined
    const instrument: Model.Instrument = otherCard !== undefined
      ? { kind: "CARD", card: otherCard, expiry: expiry === null ? { month: 12, year: 2040 } : { month: expiry[0], year: expiry[1] } }
      : t.instrument.kind === "CARD" && expiry !== null
      ? { ...t.instrument, expiry: { month: expiry[0], year: expiry[1] } }
      : t.instrument
    const customer = this.change === "otherCustomer" ? (customerId === "c2" ? "c1" : "c2") : customerId ?? undefined
    const call: Model.TokenizeCall = {
      instrument,
      request: {
        merchantId: key.merchantId,
        ...(customer === undefined ? {} : { customerId: customer }),
        ...(instrument.kind === "CARD"
          ? {
            pan: instrument.card.pan,
            expiry: `${String(instrument.expiry.month).padStart(2, "0")}/${String(instrument.expiry.year % 100).padStart(2, "0")}`
          }
          : { iban: instrument.iban }),
        ...(requestToken === null ? { format } : { requestToken }),
        merchantRequestId: key.requestId
      }
    }
    const plan = Model.planTokenize(model, call)
    settlePlan(model, plan, await settle(() => real.driver.tokenize(call.request)), this.toString())
  }
  toString(): string {
    return `replayTokenize(request of key#${this.pick}${this.change === "same" ? "" : `, with ${this.change}`})`
  }
}
