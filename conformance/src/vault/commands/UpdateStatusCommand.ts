/**
 * Status changes by the table: ACTIVE ⇄ SUSPENDED, either → DELETED, and
 * DELETED is terminal (deleting twice is `TOKEN_ALREADY_DELETED`,
 * 100.350.303; anything else from DELETED is `ILLEGAL_TRANSITION`).
 * Resuming a token whose card already has another ACTIVE token for the
 * customer in the scope is refused.
 *
 * @since 0.1.0
 */
import type * as GatewayDriver from "../../GatewayDriver.ts"
import { checkRejection, type Expected, rejection } from "../../internal/driverCall.ts"
import { Mismatch } from "../../internal/assert.ts"
import * as Model from "../Model.ts"
import { callOnPick, canPick, showPick } from "../Requests.ts"
import { sameView } from "../Views.ts"

/**
 * What a status change must do: refuse (with the rule) or produce the next
 * state.
 *
 * @category getters
 * @since 0.1.0
 */
export const planStatus = (
  model: Model.Model,
  t: Model.TokenState,
  target: GatewayDriver.Status
): { readonly refusal: Expected; readonly rule: string } | { readonly next: Model.TokenState } => {
  if (target === "DELETED") {
    return t.status === "DELETED"
      ? { refusal: rejection("TOKEN_ALREADY_DELETED"), rule: "STATUS-DELETE-TWICE" }
      : { next: { ...t, status: "DELETED", deletion: "DEREGISTERED", agreements: {} } }
  }
  if (t.status === "DELETED" || t.status === target) return { refusal: rejection("ILLEGAL_TRANSITION"), rule: "STATUS-TRANSITIONS" }
  if (target === "ACTIVE" && Model.activeIn(model, t.scope, t.customerId, Model.instrumentKey(t.instrument), t.token) !== undefined) {
    return { refusal: rejection("ILLEGAL_TRANSITION"), rule: "DUPLICATE-CARD" }
  }
  return { next: { ...t, status: target } }
}

/**
 * The update-status command.
 *
 * @category models
 * @since 0.1.0
 */
export class UpdateStatusCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly pick: number, readonly status: GatewayDriver.Status) {}
  check(model: Model.Model): boolean {
    return canPick(model, this.pick)
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const { access: a, settled: s, what } = await callOnPick(
      model,
      this.merchantId,
      this.pick,
      (merchantId, token) => `updateStatus(${merchantId}, ${token}, ${this.status})`,
      (merchantId, token) => real.driver.updateStatus({ merchantId, token, status: this.status })
    )
    if (a._tag === "Fail") return checkRejection(what, s, [a.error], ["GROUP-ACCESS"])
    const plan = planStatus(model, a.token, this.status)
    if ("refusal" in plan) return checkRejection(what, s, [plan.refusal], [plan.rule])
    if (!s.ok) throw new Mismatch(`${what}: expected ${a.token.status} → ${this.status}, got a refusal`, ["STATUS-TRANSITIONS"])
    sameView(s.value, plan.next, what, ["STATUS-TRANSITIONS"])
    Model.put(model, plan.next)
  }
  toString(): string {
    return `updateStatus(${this.merchantId}, ${showPick(this.pick)}, ${this.status})`
  }
}
