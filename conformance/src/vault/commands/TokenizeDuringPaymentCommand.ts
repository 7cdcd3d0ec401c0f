/**
 * Tokenization during a payment: `createRegistration` or a requestToken
 * make a token once the payment is authorized or verified; a declined
 * payment makes none, unless the requestToken is `:FORCED:`.
 *
 * @since 0.1.0
 */
import { checkRejection, rejection, settle } from "../../internal/driverCall.ts"
import { Mismatch } from "../../internal/assert.ts"
import type * as GatewayDriver from "../../GatewayDriver.ts"
import type { TokenizeSpec } from "../Arbitraries.ts"
import * as Model from "../Model.ts"
import { materialize, showSpec } from "../Requests.ts"
import { settlePlan } from "../Tokenizing.ts"

/**
 * The payment tokenization command.
 *
 * @category models
 * @since 0.1.0
 */
export class TokenizeDuringPaymentCommand implements Model.Command {
  constructor(
    readonly spec: TokenizeSpec,
    readonly createRegistration: boolean,
    readonly outcome: GatewayDriver.PaymentRequest["outcome"]
  ) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const call = materialize(model, { ...this.spec, format: undefined })
    const request: GatewayDriver.PaymentRequest = {
      ...call.request,
      outcome: this.outcome,
      ...(this.createRegistration ? { createRegistration: true } : {})
    }
    const plan = Model.planPayment(model, call, this.createRegistration, this.outcome)
    const s = await settle(() => real.driver.tokenizeDuringPayment(request))
    const what = this.toString()
    const forced = this.spec.requestToken?.startsWith(":FORCED:") === true
    const rules = forced && this.outcome === "DECLINED" ? ["TOKENIZE-FORCED"] : ["TOKENIZE-ON-PAYMENT"]
    if (plan._tag === "NoToken") {
      if (!model.merchants.has(request.merchantId) && !s.ok) {
        return checkRejection(what, s, [rejection("MERCHANT_UNKNOWN")], rules)
      }
      if (!s.ok || s.value?.token !== null) {
        throw new Mismatch(`${what}: expected no token, got ${s.ok ? `token ${s.value?.token?.token}` : "a refusal"}`, rules)
      }
      return
    }
    if (plan._tag === "New" && s.ok && s.value?.token === null) {
      throw new Mismatch(`${what}: expected a token, got none`, rules)
    }
    settlePlan(model, plan, s.ok ? { ok: true, value: s.value?.token ?? null } : s, what)
  }
  toString(): string {
    return `tokenizeDuringPayment(${showSpec({ ...this.spec, format: undefined })}${
      this.createRegistration ? ", createRegistration" : ""
    }, outcome ${this.outcome})`
  }
}
