/**
 * The vault's record of one token, as stores keep it. It holds no card
 * number: only the AEAD-sealed instrument, a keyed fingerprint, and the
 * display data PCI DSS 3.4.1 allows (BIN and last 4). Deleting a token strips
 * the sealed data and the fingerprint and keeps a tombstone, so the value is
 * never issued again.
 *
 * The functions here throw a typed `INVALID_INPUT` error for anything that
 * is not a record (and {@link fromJson} for anything that is not {@link Json}).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type * as CardBrand from "./CardBrand.ts"
import { ensure, isRecord } from "./internal/input.ts"
import type * as Expiry from "./Expiry.ts"
import type * as Group from "./Group.ts"
import * as IsoDate from "./IsoDate.ts"
import type * as PaymentUse from "./PaymentUse.ts"
import type * as TokenFormat from "./TokenFormat.ts"
import type * as TokenStatus from "./TokenStatus.ts"

/**
 * Sealed instrument data: AEAD ciphertext (base64url of nonce ‖ ciphertext ‖
 * tag) and the version of the key that sealed it.
 *
 * @category models
 * @since 0.1.0
 */
export interface Sealed {
  readonly keyVersion: number
  readonly ciphertext: string
}

/**
 * Why a tombstone exists.
 *
 * @category models
 * @since 0.1.0
 */
export interface Deletion {
  readonly reason: "DEREGISTERED" | "RETENTION"
  readonly on: IsoDate.IsoDate
}

/**
 * A token record. `version` increases by one on every update (compare-and-set).
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenRecord {
  readonly token: string
  readonly format: TokenFormat.Name
  readonly merchantId: string
  readonly scope: Group.Scope
  readonly customerId: string | undefined
  readonly instrument: "CARD" | "BANK_ACCOUNT"
  readonly brand: CardBrand.CardBrand | undefined
  readonly maskedPan: string
  readonly expiry: Expiry.Expiry | undefined
  readonly fingerprint: string | undefined
  readonly sealed: Sealed | undefined
  readonly status: TokenStatus.Status
  readonly deletion: Deletion | undefined
  readonly createdAt: string
  readonly lastActivity: IsoDate.IsoDate
  readonly extended: boolean
  readonly retainUntil: IsoDate.IsoDate
  readonly agreements: ReadonlyArray<PaymentUse.Agreement>
  readonly merchantRequestId: string | undefined
  readonly requestDigest: string | undefined
  readonly version: number
}

/**
 * True when the record is a tombstone (deleted or purged; it holds no card
 * data).
 *
 * @category predicates
 * @since 0.1.0
 */
export const isTombstone = (r: TokenRecord): boolean => {
  ensure(isRecord(r), "A token record", "an object", r)
  return r.status === "DELETED"
}

/**
 * The tombstone a record becomes on deletion or purge: card data, fingerprint
 * and display data are dropped; token value, owner, scope and request id stay.
 *
 * @category constructors
 * @since 0.1.0
 */
export const toTombstone = (r: TokenRecord, deletion: Deletion): TokenRecord => {
  ensure(isRecord(r) && Number.isSafeInteger(r.version), "A token record", "an object with an integer version", r)
  const ok = isRecord(deletion) && (deletion.reason === "DEREGISTERED" || deletion.reason === "RETENTION") &&
    IsoDate.parse(deletion.on) !== undefined
  ensure(ok, "A deletion", "{ reason: DEREGISTERED | RETENTION, on: a date }", deletion)
  return tombstone(r, deletion)
}

const tombstone = (r: TokenRecord, deletion: Deletion): TokenRecord => ({
  ...r,
  status: "DELETED",
  deletion,
  sealed: undefined,
  fingerprint: undefined,
  maskedPan: "",
  brand: undefined,
  expiry: undefined,
  customerId: r.customerId,
  agreements: [],
  requestDigest: r.requestDigest,
  version: r.version + 1
})

const Optional = <S extends Schema.Top>(s: S) => Schema.NullOr(s)

/**
 * The JSON form of a record, for stores that serialize (absent values are
 * `null`).
 *
 * @category schemas
 * @since 0.1.0
 */
export const Json = Schema.Struct({
  token: Schema.String,
  format: Schema.Literals(["registration", "standard", "custom", "opaque"]),
  merchantId: Schema.String,
  scope: Schema.String,
  customerId: Optional(Schema.String),
  instrument: Schema.Literals(["CARD", "BANK_ACCOUNT"]),
  brand: Optional(Schema.String),
  maskedPan: Schema.String,
  expiry: Optional(Schema.Struct({ month: Schema.Number, year: Schema.Number })),
  fingerprint: Optional(Schema.String),
  sealed: Optional(Schema.Struct({ keyVersion: Schema.Number, ciphertext: Schema.String })),
  status: Schema.Literals(["ACTIVE", "SUSPENDED", "DELETED"]),
  deletion: Optional(Schema.Struct({ reason: Schema.Literals(["DEREGISTERED", "RETENTION"]), on: Schema.String })),
  createdAt: Schema.String,
  lastActivity: Schema.String,
  extended: Schema.Boolean,
  retainUntil: Schema.String,
  agreements: Schema.Array(
    Schema.Struct({ type: Schema.Literals(["UNSCHEDULED", "RECURRING", "INSTALLMENT"]), initialTransactionId: Schema.String })
  ),
  merchantRequestId: Optional(Schema.String),
  requestDigest: Optional(Schema.String),
  version: Schema.Number
})

const isJson = Schema.is(Json)

/**
 * Encodes a record as plain JSON data.
 *
 * @category encoding
 * @since 0.1.0
 */
export const toJson = (r: TokenRecord): typeof Json.Type => {
  ensure(isRecord(r), "A token record", "an object", r)
  return json(r)
}

const json = (r: TokenRecord): typeof Json.Type => ({
  token: r.token,
  format: r.format,
  merchantId: r.merchantId,
  scope: r.scope,
  customerId: r.customerId ?? null,
  instrument: r.instrument,
  brand: r.brand ?? null,
  maskedPan: r.maskedPan,
  expiry: r.expiry ?? null,
  fingerprint: r.fingerprint ?? null,
  sealed: r.sealed ?? null,
  status: r.status,
  deletion: r.deletion ?? null,
  createdAt: r.createdAt,
  lastActivity: r.lastActivity,
  extended: r.extended,
  retainUntil: r.retainUntil,
  agreements: r.agreements,
  merchantRequestId: r.merchantRequestId ?? null,
  requestDigest: r.requestDigest ?? null,
  version: r.version
})

/**
 * Decodes plain JSON data (checked against {@link Json}) into a record.
 *
 * @category decoding
 * @since 0.1.0
 */
export const fromJson = (j: typeof Json.Type): TokenRecord => {
  ensure(isJson(j), "A token record's JSON", "valid TokenRecord.Json", j)
  return record(j)
}

const record = (j: typeof Json.Type): TokenRecord => ({
  token: j.token,
  format: j.format,
  merchantId: j.merchantId,
  scope: j.scope as Group.Scope,
  customerId: j.customerId ?? undefined,
  instrument: j.instrument,
  brand: (j.brand ?? undefined) as CardBrand.CardBrand | undefined,
  maskedPan: j.maskedPan,
  expiry: j.expiry ?? undefined,
  fingerprint: j.fingerprint ?? undefined,
  sealed: j.sealed ?? undefined,
  status: j.status,
  deletion: j.deletion === null ? undefined : { reason: j.deletion.reason, on: j.deletion.on as IsoDate.IsoDate },
  createdAt: j.createdAt,
  lastActivity: j.lastActivity as IsoDate.IsoDate,
  extended: j.extended,
  retainUntil: j.retainUntil as IsoDate.IsoDate,
  agreements: j.agreements,
  merchantRequestId: j.merchantRequestId ?? undefined,
  requestDigest: j.requestDigest ?? undefined,
  version: j.version
})
