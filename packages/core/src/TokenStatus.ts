/**
 * Token statuses and their transition table (AlliancePay's Update Token
 * Status): ACTIVE ⇄ SUSPENDED, ACTIVE or SUSPENDED → DELETED, and DELETED is
 * terminal. The table is data; {@link transition} is a total function over
 * it.
 *
 * INACTIVE (from the card networks' models) is not adopted: none of the three
 * gateways issues a token that is not yet usable, and AlliancePay returns new
 * tokens as ACTIVE.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import * as TokenError from "./TokenError.ts"

/**
 * A token status.
 *
 * @category models
 * @since 0.1.0
 */
export type Status = "ACTIVE" | "SUSPENDED" | "DELETED"

/**
 * A status-changing event.
 *
 * @category models
 * @since 0.1.0
 */
export type Event = "SUSPEND" | "RESUME" | "DELETE"

/**
 * Every status.
 *
 * @category models
 * @since 0.1.0
 */
export const statuses: ReadonlyArray<Status> = ["ACTIVE", "SUSPENDED", "DELETED"]

/**
 * Every event.
 *
 * @category models
 * @since 0.1.0
 */
export const events: ReadonlyArray<Event> = ["SUSPEND", "RESUME", "DELETE"]

/**
 * The transition table: `table[from][event]` is the next status, or absent
 * when the event is not allowed.
 *
 * @category models
 * @since 0.1.0
 */
export const table: { readonly [S in Status]: { readonly [E in Event]?: Status } } = {
  ACTIVE: { SUSPEND: "SUSPENDED", DELETE: "DELETED" },
  SUSPENDED: { RESUME: "ACTIVE", DELETE: "DELETED" },
  DELETED: {}
}

/**
 * The event that moves a token to `target` (AlliancePay's `state` field).
 *
 * @category models
 * @since 0.1.0
 */
export const eventFor: { readonly [S in Status]: Event } = { ACTIVE: "RESUME", SUSPENDED: "SUSPEND", DELETED: "DELETE" }

/**
 * True when `u` is a status.
 *
 * @category guards
 * @since 0.1.0
 */
export const isStatus = (u: unknown): u is Status => typeof u === "string" && (statuses as ReadonlyArray<string>).includes(u)

/**
 * True when `u` is an event.
 *
 * @category guards
 * @since 0.1.0
 */
export const isEvent = (u: unknown): u is Event => typeof u === "string" && (events as ReadonlyArray<string>).includes(u)

/**
 * The next status, or a typed error: `TOKEN_ALREADY_DELETED` (ACI
 * `100.350.303`) for deleting a deleted token, `ILLEGAL_TRANSITION` for any
 * other event the table does not allow, and `INVALID_INPUT` for values that
 * are not a status or an event. Total over all inputs.
 *
 * @category combinators
 * @since 0.1.0
 */
export const transition = (from: unknown, event: unknown): Result.Result<Status, TokenError.TokenError> => {
  if (!isStatus(from) || !isEvent(event)) {
    return Result.fail(TokenError.make("INVALID_INPUT", { rule: "STATUS-TRANSITIONS", message: "Unknown status or event." }))
  }
  const next = table[from][event]
  if (next !== undefined) return Result.succeed(next)
  if (from === "DELETED" && event === "DELETE") {
    return Result.fail(TokenError.make("TOKEN_ALREADY_DELETED", { rule: "STATUS-DELETE-TWICE" }))
  }
  return Result.fail(
    TokenError.make("ILLEGAL_TRANSITION", { rule: "STATUS-TRANSITIONS", message: `${event} is not allowed from ${from}.` })
  )
}

/**
 * The next status for a requested target status (`ACTIVE`, `SUSPENDED` or
 * `DELETED`), by the same table.
 *
 * @category combinators
 * @since 0.1.0
 */
export const transitionTo = (from: unknown, target: unknown): Result.Result<Status, TokenError.TokenError> =>
  isStatus(target)
    ? transition(from, eventFor[target])
    : Result.fail(TokenError.make("INVALID_INPUT", { rule: "STATUS-TRANSITIONS", message: "Unknown target status." }))
