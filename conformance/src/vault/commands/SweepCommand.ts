/**
 * The retention sweep: every live token whose purge date has come is
 * deleted (its value stays reserved), and no other.
 *
 * @since 0.1.0
 */
import { equal } from "../../internal/assert.ts"
import { expectOk } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"

/**
 * The sweep command.
 *
 * @category models
 * @since 0.1.0
 */
export class SweepCommand implements Model.Command {
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const date = Model.todayOf(model)
    const due = model.tokens.filter((t) => t.status !== "DELETED" && !Model.isRetained(t, date))
    const result = await expectOk(`sweep() on ${date}`, () => real.driver.sweep(), ["RETENTION-PURGE"])
    equal(result.purged, due.length, `sweep() on ${date}: purged (due: ${due.map((t) => t.token).join(", ") || "none"})`, ["RETENTION-PURGE"])
    for (const t of due) Model.put(model, { ...t, status: "DELETED", deletion: "RETENTION", agreements: {} })
  }
  toString(): string {
    return "sweep()"
  }
}
