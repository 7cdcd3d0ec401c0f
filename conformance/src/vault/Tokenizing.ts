/**
 * Settling a tokenization against its plan: a refusal with one of the
 * planned codes, the planned existing token, or a new token whose value is
 * new, well-formed and never a card number, and whose view matches.
 *
 * @since 0.1.0
 */
import type * as GatewayDriver from "../GatewayDriver.ts"
import { checkRejection, type Settled } from "../internal/driverCall.ts"
import { Mismatch } from "../internal/assert.ts"
import * as Model from "./Model.ts"
import { checkNewValue, sameView } from "./Views.ts"

const FORMAT_RULE: Record<GatewayDriver.FormatName, string> = {
  registration: "FORMAT-REGISTRATION",
  standard: "FORMAT-STANDARD",
  custom: "FORMAT-CUSTOM",
  opaque: "FORMAT-OPAQUE"
}

/**
 * Checks a tokenization's outcome against the plan and applies it to the
 * model.
 *
 * @category running
 * @since 0.1.0
 */
export const settlePlan = (
  model: Model.Model,
  plan: Model.Plan,
  outcome: Settled<GatewayDriver.TokenView | null>,
  what: string
): void => {
  switch (plan._tag) {
    case "Fail":
      checkRejection(what, outcome, plan.errors, plan.rules)
      for (const t of plan.purged ?? []) Model.put(model, t)
      return
    case "Existing": {
      if (!outcome.ok) throw new Mismatch(`${what}: expected ${plan.token.token} back, got a refusal (${codeOf(outcome.error)})`, plan.rules)
      sameView(outcome.value, plan.token, what, plan.rules)
      Model.put(model, plan.token)
      if (plan.bind !== undefined) model.boundKeys.set(Model.keyId(plan.bind.merchantId, plan.bind.requestId), plan.bind)
      return
    }
    case "New": {
      const rules = [FORMAT_RULE[plan.format]]
      if (!outcome.ok) throw new Mismatch(`${what}: expected a new ${plan.format} token, got a refusal (${codeOf(outcome.error)})`, rules)
      if (outcome.value === null) throw new Mismatch(`${what}: expected a new ${plan.format} token, got none`, ["TOKENIZE-ON-PAYMENT"])
      const t = plan.build(outcome.value.token)
      checkNewValue(model, t, plan.customValue)
      sameView(outcome.value, t, what, rules)
      if (plan.purged !== undefined) Model.put(model, plan.purged)
      Model.put(model, t)
      model.issued.add(t.token)
      return
    }
  }
}

const codeOf = (e: unknown): string =>
  typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string" ? (e as { code: string }).code : "no code"
