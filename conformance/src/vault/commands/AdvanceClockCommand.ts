/**
 * Time passes: the gateway's clock moves by whole days (through
 * `advance`) or calendar months (through `setNow`), and the model's with it.
 *
 * @since 0.1.0
 */
import { addDaysInstant, addMonthsInstant } from "../../internal/dates.ts"
import { expectOk } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"

/**
 * The clock command.
 *
 * @category models
 * @since 0.1.0
 */
export class AdvanceClockCommand implements Model.Command {
  constructor(readonly by: { readonly days: number } | { readonly months: number }) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    if ("days" in this.by) {
      const days = this.by.days
      await expectOk(`advance(${days} days)`, () => real.driver.advance({ days }))
      model.now = addDaysInstant(model.now, days)
    } else {
      const next = addMonthsInstant(model.now, this.by.months)
      await expectOk(`setNow(${next})`, () => real.driver.setNow(next))
      model.now = next
    }
  }
  toString(): string {
    return "days" in this.by ? `advance(${this.by.days} days)` : `setNow(+${this.by.months} months)`
  }
}
