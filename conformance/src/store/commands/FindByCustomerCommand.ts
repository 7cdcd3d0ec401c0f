/**
 * `findByCustomer(scope, customerId)`: the live records of that scope and
 * customer, never tombstones, never another scope's.
 *
 * @since 0.1.0
 */
import type { Group } from "@tokenvault/core"
import { expectSuccess } from "../../internal/storeCall.ts"
import { sameRecords } from "../Compare.ts"
import * as Model from "../Model.ts"

/**
 * The find-by-customer command.
 *
 * @category models
 * @since 0.1.0
 */
export class FindByCustomerCommand implements Model.Command {
  constructor(readonly scope: Group.Scope, readonly customerId: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const what = `findByCustomer(${this.scope}, ${this.customerId})`
    const actual = await expectSuccess(what, () => real.store.findByCustomer(this.scope, this.customerId))
    sameRecords(actual, Model.byCustomer(model, this.scope, this.customerId), what, ["GROUP-ACCESS", "DELETE-IRREVERSIBLE"])
  }
  toString(): string {
    return `findByCustomer(${this.scope}, ${this.customerId})`
  }
}
