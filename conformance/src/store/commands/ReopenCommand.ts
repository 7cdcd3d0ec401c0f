/**
 * Close and reopen (durable stores): `close()` then the suite's `reopen`;
 * the closed store's synchronous reads (`peek`) answer nothing, and the
 * reopened store holds exactly the model's state.
 *
 * @since 0.1.0
 */
import { equal } from "../../internal/assert.ts"
import { expectSuccess } from "../../internal/storeCall.ts"
import { verifyState } from "../Invariants.ts"
import * as Model from "../Model.ts"

/**
 * The reopen command.
 *
 * @category models
 * @since 0.1.0
 */
export class ReopenCommand implements Model.Command {
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    if (real.reopen === undefined) return
    const closed = real.store
    await expectSuccess("close()", () => closed.close())
    // A closed store cannot serve: its synchronous reads answer nothing, so their callers take the refused effectful read.
    if (closed.peek !== undefined) {
      for (const token of model.records.keys()) equal(closed.peek.record(token), undefined, `peek.record(${token}) after close()`, ["DELETE-IRREVERSIBLE"])
      for (const merchantId of model.merchants.keys()) {
        equal(closed.peek.merchant(merchantId), undefined, `peek.merchant(${merchantId}) after close()`, ["GROUP-MEMBERSHIP"])
      }
    }
    await real.reopen()
    await verifyState(model, real, "after reopen")
  }
  toString(): string {
    return "closeAndReopen()"
  }
}
