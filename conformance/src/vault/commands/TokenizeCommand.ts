/**
 * Standalone tokenization: refusals for broken input rules, the same token
 * for a repeated idempotency key or an already tokenized card, the owner of
 * a custom value, or a new token in the right format.
 *
 * @since 0.1.0
 */
import { settle } from "../../internal/driverCall.ts"
import { type TokenizeSpec } from "../Arbitraries.ts"
import * as Model from "../Model.ts"
import { materialize, showSpec } from "../Requests.ts"
import { settlePlan } from "../Tokenizing.ts"

/**
 * The tokenize command.
 *
 * @category models
 * @since 0.1.0
 */
export class TokenizeCommand implements Model.Command {
  constructor(readonly spec: TokenizeSpec) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const call = materialize(model, this.spec)
    const plan = Model.planTokenize(model, call)
    settlePlan(model, plan, await settle(() => real.driver.tokenize(call.request)), `tokenize(${showSpec(this.spec)})`)
  }
  toString(): string {
    return `tokenize(${showSpec(this.spec)})`
  }
}
