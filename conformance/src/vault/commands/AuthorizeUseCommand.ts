/**
 * Using a token for a payment (card on file): refused while deleted, past
 * retention, suspended or with an expired card, in that order; a MIT use
 * needs the agreement a CIT INITIAL use of the same type set up, and its
 * initial transaction id. An allowed use returns a fresh transaction id and
 * counts as activity (a bank account's retention moves).
 *
 * @since 0.1.0
 */
import type * as GatewayDriver from "../../GatewayDriver.ts"
import { equal, Mismatch } from "../../internal/assert.ts"
import { checkRejection, type Expected, rejection, settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"
import { canPick, resolveActor, resolvePick, showPick } from "../Requests.ts"

/**
 * Which initial transaction id a use quotes.
 *
 * @category models
 * @since 0.1.0
 */
export type Quote = "agreement" | "other" | "none"

/**
 * The authorize-use command.
 *
 * @category models
 * @since 0.1.0
 */
export class AuthorizeUseCommand implements Model.Command {
  constructor(
    readonly merchantId: string,
    readonly pick: number,
    readonly use: Pick<GatewayDriver.UseRequest, "source" | "mode" | "type">,
    readonly quote: Quote
  ) {}
  check(model: Model.Model): boolean {
    return canPick(model, this.pick)
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const token = resolvePick(model, this.pick)
    const merchantId = resolveActor(model, this.merchantId, token)
    const known = Model.find(model, token)
    const quoted = this.quote === "agreement"
      ? known?.agreements[this.use.type] ?? "tx-never-issued"
      : this.quote === "other"
      ? model.transactions.find((t) => t.id !== known?.agreements[this.use.type])?.id ?? "tx-never-issued"
      : undefined
    const request: GatewayDriver.UseRequest = {
      merchantId,
      token,
      ...this.use,
      ...(quoted === undefined ? {} : { initialTransactionId: quoted })
    }
    const what = `authorizeUse(${merchantId}, ${token}, ${this.use.source} ${this.use.mode} ${this.use.type}${
      quoted === undefined ? "" : ` quoting ${quoted}`
    })`
    let refusal: Expected | undefined
    let t: Model.TokenState | undefined
    if (this.use.source === "MIT" && this.use.mode === "INITIAL") refusal = rejection("COF_INVALID")
    else {
      const a = Model.access(model, merchantId, token)
      if (a._tag === "Fail") refusal = a.error
      else {
        t = a.token
        refusal = Model.unusable(model, t)
        if (refusal === undefined && this.use.source === "MIT") {
          const agreement = t.agreements[this.use.type]
          if (agreement === undefined || agreement !== quoted) refusal = rejection("COF_NO_AGREEMENT")
        }
      }
    }
    const s = await settle(() => real.driver.authorizeUse(request))
    if (refusal !== undefined) return checkRejection(what, s, [refusal], [Model.ruleOfRefusal(refusal.code)])
    if (!s.ok) return checkRejection(what, s, [], ["USE-ACTIVE", "COF-MIT-AGREEMENT"])
    equal(s.value.token, token, `${what}: token`, ["USE-ACTIVE"])
    const id = s.value.transactionId
    if (typeof id !== "string" || id.length === 0 || model.transactions.some((x) => x.id === id)) {
      throw new Mismatch(`${what}: transaction id ${JSON.stringify(id)} is not new`, ["COF-MIT-AGREEMENT"])
    }
    const date = Model.todayOf(model)
    const agreements = this.use.source === "CIT" && this.use.mode === "INITIAL"
      ? { ...t!.agreements, [this.use.type]: id }
      : t!.agreements
    Model.put(model, { ...t!, lastActivity: date, agreements })
    model.transactions.push({ token, type: this.use.type, id })
  }
  toString(): string {
    return `authorizeUse(${this.merchantId}, ${showPick(this.pick)}, ${this.use.source} ${this.use.mode} ${this.use.type}, quoting ${this.quote})`
  }
}
