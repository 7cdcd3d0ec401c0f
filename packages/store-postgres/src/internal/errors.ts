/**
 * Mapping what `pg` throws to the port's typed `TokenStoreError`. Nothing
 * the server sends as message or detail is copied (a unique violation's
 * detail quotes the key, which may be a fingerprint or customer id): details
 * carry the SQLSTATE, the constraint name, or the driver's own error code.
 *
 * @internal
 */
import * as TokenStore from "@tokenvault/vault/TokenStore"
import { constraintNames, requestKeysConstraint } from "../Migrations.ts"

const byConstraint: ReadonlyMap<string, TokenStore.Duplicate["constraint"]> = new Map([
  ...Object.entries(constraintNames).map(([reason, name]) => [name, reason as TokenStore.Duplicate["constraint"]] as const),
  [requestKeysConstraint, "merchantRequestId"]
])

interface DbError {
  readonly code: string
  readonly constraint?: string | undefined
  readonly severity?: string | undefined
}

/** True for an error the server sent (it carries a five-character SQLSTATE). */
export const isDatabaseError = (e: unknown): e is DbError =>
  typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string" &&
  /^[0-9A-Z]{5}$/.test((e as { code: string }).code) && "severity" in e

/** SQLSTATE classes and codes that mean "retry the transaction". */
export const isRetryableTransaction = (e: unknown): boolean =>
  isDatabaseError(e) && (e.code === "40001" || e.code === "40P01")

/**
 * True when the error leaves the connection unusable (network error,
 * server shutdown, protocol error): the client is destroyed, not reused.
 */
export const isConnectionError = (e: unknown): boolean => {
  if (isDatabaseError(e)) {
    return e.code.startsWith("08") || e.code.startsWith("57P") || e.code === "53300"
  }
  return !(e instanceof TokenStore.TokenStoreError)
}

const describeDriverError = (e: unknown): string => {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code
    if (typeof code === "string" && code.length > 0) return code
    // The driver's own messages ("Connection terminated unexpectedly",
    // "timeout exceeded when trying to connect", "Query read timeout")
    // carry no data.
    return e.message.slice(0, 120)
  }
  return typeof e
}

const DETAILS: Record<string, string> = {
  "57014": "statement timeout or cancelled",
  "57P01": "server shutting down",
  "57P02": "server crashed",
  "57P03": "server starting up or recovering",
  "53300": "too many connections",
  "53100": "disk full",
  "53200": "out of memory",
  "42P01": "schema missing (run migrate())",
  "25006": "read-only transaction (connected to a standby?)",
  "28P01": "authentication failed",
  "28000": "authorization failed",
  "3D000": "database does not exist"
}

/** Maps anything thrown by an operation to the port's error. */
export const toStoreError = (e: unknown): TokenStore.TokenStoreError => {
  if (e instanceof TokenStore.TokenStoreError) return e
  if (isDatabaseError(e)) {
    if (e.code === "23505") {
      const constraint = e.constraint === undefined ? undefined : byConstraint.get(e.constraint)
      if (constraint !== undefined) return TokenStore.errors.duplicate(constraint)
      return TokenStore.errors.unavailable(`postgres 23505 on an unknown constraint ${e.constraint ?? "(none)"}`)
    }
    const known = DETAILS[e.code]
    return TokenStore.errors.unavailable(`postgres ${e.code}${known === undefined ? "" : `: ${known}`}${
      e.constraint === undefined ? "" : ` (${e.constraint})`
    }`)
  }
  return TokenStore.errors.unavailable(`connection: ${describeDriverError(e)}`)
}
