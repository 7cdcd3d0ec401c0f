/**
 * Token records to statement parameters and rows back to records. Absent
 * values are SQL NULL; the sealed instrument is its base64url ciphertext
 * text and key version; agreements are a `json` column (kept verbatim).
 *
 * @internal
 */
import type { CardBrand, Group, IsoDate, TokenFormat, TokenRecord, TokenStatus } from "@tokenvault/core"
import * as TokenStore from "@tokenvault/vault/TokenStore"

/** The token columns, in parameter order ($1 … $24). */
export const TOKEN_COLUMNS = [
  "token",
  "format",
  "merchant_id",
  "scope",
  "customer_id",
  "instrument",
  "brand",
  "masked_pan",
  "expiry_month",
  "expiry_year",
  "fingerprint",
  "key_version",
  "ciphertext",
  "status",
  "deletion_reason",
  "deletion_on",
  "created_at",
  "last_activity",
  "extended",
  "retain_until",
  "agreements",
  "merchant_request_id",
  "request_digest",
  "version"
] as const

/** The select list for token rows. */
export const SELECT_LIST = TOKEN_COLUMNS.join(", ")

/** A record as the 24 statement parameters, in {@link TOKEN_COLUMNS} order. */
export const toParams = (r: TokenRecord.TokenRecord): Array<unknown> => [
  r.token,
  r.format,
  r.merchantId,
  r.scope,
  r.customerId ?? null,
  r.instrument,
  r.brand ?? null,
  r.maskedPan,
  r.expiry?.month ?? null,
  r.expiry?.year ?? null,
  r.fingerprint ?? null,
  r.sealed?.keyVersion ?? null,
  r.sealed?.ciphertext ?? null,
  r.status,
  r.deletion?.reason ?? null,
  r.deletion?.on ?? null,
  r.createdAt,
  r.lastActivity,
  r.extended,
  r.retainUntil,
  JSON.stringify(r.agreements),
  r.merchantRequestId ?? null,
  r.requestDigest ?? null,
  r.version
]

/** A token row as `pg` returns it. */
export interface TokenRow {
  readonly token: string
  readonly format: string
  readonly merchant_id: string
  readonly scope: string
  readonly customer_id: string | null
  readonly instrument: string
  readonly brand: string | null
  readonly masked_pan: string
  readonly expiry_month: number | null
  readonly expiry_year: number | null
  readonly fingerprint: string | null
  readonly key_version: number | null
  readonly ciphertext: string | null
  readonly status: string
  readonly deletion_reason: string | null
  readonly deletion_on: string | null
  readonly created_at: string
  readonly last_activity: string
  readonly extended: boolean
  readonly retain_until: string
  readonly agreements: unknown
  readonly merchant_request_id: string | null
  readonly request_digest: string | null
  readonly version: string | number
}

const corrupt = (token: string, what: string): TokenStore.TokenStoreError =>
  TokenStore.errors.corrupt(`token row ${JSON.stringify(token.slice(0, 64))}: ${what}`)

/** A row back to a record; throws a `Corrupt` store error on a malformed row. */
export const fromRow = (row: TokenRow): TokenRecord.TokenRecord => {
  const version = typeof row.version === "number" ? row.version : Number(row.version)
  if (!Number.isSafeInteger(version)) throw corrupt(row.token, "version is not a safe integer")
  if (!Array.isArray(row.agreements)) throw corrupt(row.token, "agreements is not an array")
  return {
    token: row.token,
    format: row.format as TokenFormat.Name,
    merchantId: row.merchant_id,
    scope: row.scope as Group.Scope,
    customerId: row.customer_id ?? undefined,
    instrument: row.instrument as TokenRecord.TokenRecord["instrument"],
    brand: (row.brand ?? undefined) as CardBrand.CardBrand | undefined,
    maskedPan: row.masked_pan,
    expiry: row.expiry_month === null || row.expiry_year === null
      ? undefined
      : { month: row.expiry_month, year: row.expiry_year },
    fingerprint: row.fingerprint ?? undefined,
    sealed: row.key_version === null || row.ciphertext === null
      ? undefined
      : { keyVersion: row.key_version, ciphertext: row.ciphertext },
    status: row.status as TokenStatus.Status,
    deletion: row.deletion_reason === null || row.deletion_on === null
      ? undefined
      : { reason: row.deletion_reason as TokenRecord.Deletion["reason"], on: row.deletion_on as IsoDate.IsoDate },
    createdAt: row.created_at,
    lastActivity: row.last_activity as IsoDate.IsoDate,
    extended: row.extended,
    retainUntil: row.retain_until as IsoDate.IsoDate,
    agreements: row.agreements as TokenRecord.TokenRecord["agreements"],
    merchantRequestId: row.merchant_request_id ?? undefined,
    requestDigest: row.request_digest ?? undefined,
    version
  }
}
