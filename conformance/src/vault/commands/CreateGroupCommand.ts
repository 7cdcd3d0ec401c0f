/**
 * Creating a merchant group: once; a second time is `GROUP_EXISTS`.
 *
 * @since 0.1.0
 */
import { checkRejection, rejection, settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"

/**
 * The create-group command.
 *
 * @category models
 * @since 0.1.0
 */
export class CreateGroupCommand implements Model.Command {
  constructor(readonly groupId: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const s = await settle(() => real.driver.createGroup({ groupId: this.groupId }))
    if (model.groups.has(this.groupId)) return checkRejection(this.toString(), s, [rejection("GROUP_EXISTS")], ["GROUP-MEMBERSHIP"])
    if (!s.ok) return checkRejection(this.toString(), s, [], ["GROUP-MEMBERSHIP"])
    model.groups.add(this.groupId)
  }
  toString(): string {
    return `createGroup(${this.groupId})`
  }
}
