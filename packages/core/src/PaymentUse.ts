/**
 * Whether a token may be used for a payment, and what the use records:
 * status, retention, card expiry (Axerve 1164) and ACI's card-on-file
 * standing-instruction rules (CIT/MIT, INITIAL/REPEATED,
 * UNSCHEDULED/RECURRING/INSTALLMENT).
 *
 * **Details**
 *
 * - A CIT INITIAL use sets up an agreement of its type; its transaction id is
 *   the `initialTransactionId` later MIT uses carry.
 * - A MIT use is always REPEATED, needs an agreement of the same type, and
 *   must carry that agreement's initial transaction id.
 * - A CIT REPEATED use needs no agreement; one-click checkout is CIT
 *   UNSCHEDULED.
 *
 * @since 0.1.0
 */
import { DateTime, Result } from "effect"
import * as Expiry from "./Expiry.ts"
import * as DayNumber from "./internal/dayNumber.ts"
import { invalidInput, isRecord } from "./internal/input.ts"
import * as IsoDate from "./IsoDate.ts"
import * as TokenError from "./TokenError.ts"
import * as TokenStatus from "./TokenStatus.ts"

/**
 * Who initiates the payment.
 *
 * @category models
 * @since 0.1.0
 */
export type Source = "CIT" | "MIT"

/**
 * First or subsequent use in an agreement.
 *
 * @category models
 * @since 0.1.0
 */
export type Mode = "INITIAL" | "REPEATED"

/**
 * The kind of card-on-file agreement.
 *
 * @category models
 * @since 0.1.0
 */
export type AgreementType = "UNSCHEDULED" | "RECURRING" | "INSTALLMENT"

/**
 * The allowed values, as data.
 *
 * @category models
 * @since 0.1.0
 */
export const values = {
  source: ["CIT", "MIT"] as ReadonlyArray<Source>,
  mode: ["INITIAL", "REPEATED"] as ReadonlyArray<Mode>,
  type: ["UNSCHEDULED", "RECURRING", "INSTALLMENT"] as ReadonlyArray<AgreementType>
} as const

/**
 * A card-on-file agreement set up by a CIT INITIAL use.
 *
 * @category models
 * @since 0.1.0
 */
export interface Agreement {
  readonly type: AgreementType
  readonly initialTransactionId: string
}

/**
 * A requested use of a token.
 *
 * @category models
 * @since 0.1.0
 */
export interface Use {
  readonly source: Source
  readonly mode: Mode
  readonly type: AgreementType
  readonly initialTransactionId?: string | undefined
}

/**
 * What the rules need to know about the token.
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenState {
  readonly status: TokenStatus.Status
  readonly retainUntil: IsoDate.IsoDate
  readonly expiry: Expiry.Expiry | undefined
  readonly agreements: ReadonlyArray<Agreement>
}

/**
 * The outcome of an allowed use: whether it sets up an agreement.
 *
 * @category models
 * @since 0.1.0
 */
export interface Decision {
  readonly createsAgreement: AgreementType | undefined
}

const cof = (message: string) => TokenError.make("COF_INVALID", { rule: "COF-COMBINATION", message })

/** Why `u` is not a valid {@link Use}, or `undefined` when it is (no allocation: {@link authorize} runs it on every payment). */
const useError = (u: unknown): TokenError.TokenError | undefined => {
  if (typeof u !== "object" || u === null) return cof("A use needs source, mode and type.")
  const { initialTransactionId, mode, source, type } = u as Record<string, unknown>
  if (!values.source.includes(source as Source)) return cof("source must be CIT or MIT.")
  if (!values.mode.includes(mode as Mode)) return cof("mode must be INITIAL or REPEATED.")
  if (!values.type.includes(type as AgreementType)) return cof("type must be UNSCHEDULED, RECURRING or INSTALLMENT.")
  if (initialTransactionId !== undefined && (typeof initialTransactionId !== "string" || initialTransactionId.length === 0 || initialTransactionId.length > 64)) {
    return cof("initialTransactionId must be a non-empty string of at most 64 characters.")
  }
  return source === "MIT" && mode === "INITIAL" ? cof("A merchant-initiated use is always REPEATED.") : undefined
}

/**
 * Checks a use request's shape: its source, mode and type, and the
 * combination rules. Accepts `unknown`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeUse = (u: unknown): Result.Result<Use, TokenError.TokenError> => {
  const bad = useError(u)
  if (bad !== undefined) return Result.fail(bad)
  const { initialTransactionId, mode, source, type } = u as Use
  return Result.succeed({ source, mode, type, ...(typeof initialTransactionId === "string" ? { initialTransactionId } : {}) })
}


/**
 * The day number of the state's retention date and of `now` (UTC), or the
 * typed error for a state or instant of the wrong shape.
 */
const checkedDays = (state: TokenState, now: DateTime.DateTime): { readonly until: number; readonly today: number } | TokenError.TokenError => {
  const until = isRecord(state) ? DayNumber.ofText(state.retainUntil) : NaN
  if (
    Number.isNaN(until) || !TokenStatus.isStatus(state.status) ||
    (state.expiry !== undefined && !Expiry.isExpiry(state.expiry)) ||
    !Array.isArray(state.agreements) || !state.agreements.every(isRecord)
  ) return invalidInput("A token state", "{ status, retainUntil, expiry, agreements }", state)
  if (!DateTime.isDateTime(now)) return invalidInput("now", "a DateTime", now)
  const { day, month, year } = DateTime.toPartsUtc(now)
  // NaN for an instant outside the years 0000–9999, and for a look-alike DateTime whose parts are not a date.
  const today = DayNumber.ofParts(year, month, day)
  if (Number.isNaN(today)) return invalidInput("now", "an instant in the years 0000–9999", now)
  return { until, today }
}

/**
 * Decides whether `use` is allowed on a token in `state` at `now`. Checks, in
 * order: deleted (`100.150.202`), retention (`100.150.206`), suspended, card
 * expired (Axerve `1164`), then the card-on-file rules. A state, use or
 * instant of the wrong shape is `INVALID_INPUT` (or `COF_INVALID` for the
 * use, as {@link decodeUse} says).
 *
 * @category combinators
 * @since 0.1.0
 */
export const authorize = (state: TokenState, requested: Use, now: DateTime.DateTime): Result.Result<Decision, TokenError.TokenError> => {
  const days = checkedDays(state, now)
  if (TokenError.isTokenError(days)) return Result.fail(days)
  if (state.status === "DELETED") return Result.fail(TokenError.make("TOKEN_DELETED", { rule: "USE-ACTIVE" }))
  // Retention.isRetained on the day numbers at hand: this runs on every payment, and writing today as text would cost more than the rest.
  if (days.today >= days.until) {
    return Result.fail(TokenError.make("RETENTION_EXPIRED", { rule: "RETENTION-PURGE" }))
  }
  if (state.status !== "ACTIVE") return Result.fail(TokenError.make("TOKEN_SUSPENDED", { rule: "USE-ACTIVE" }))
  if (state.expiry !== undefined && Expiry.isExpired(state.expiry, now)) {
    return Result.fail(TokenError.make("TOKEN_EXPIRED", { rule: "USE-CARD-NOT-EXPIRED" }))
  }
  const badUse = useError(requested)
  if (badUse !== undefined) return Result.fail(badUse)
  const use = requested
  if (use.source === "MIT") {
    const ofType = state.agreements.filter((a) => a.type === use.type)
    if (ofType.length === 0) {
      return Result.fail(TokenError.make("COF_NO_AGREEMENT", { rule: "COF-MIT-AGREEMENT" }))
    }
    // A token may carry several agreements of one type (two subscriptions on one card): any of them will do.
    if (!ofType.some((a) => a.initialTransactionId === use.initialTransactionId)) {
      return Result.fail(
        TokenError.make("COF_NO_AGREEMENT", {
          rule: "COF-MIT-AGREEMENT",
          message: "A merchant-initiated use must carry the initial transaction id of its agreement."
        })
      )
    }
    return Result.succeed({ createsAgreement: undefined })
  }
  return Result.succeed({ createsAgreement: use.mode === "INITIAL" ? use.type : undefined })
}
