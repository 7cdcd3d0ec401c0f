/**
 * Comparing what a store returns with the model, on the records' JSON form
 * (`TokenRecord.toJson`), so an adapter that serializes (absent fields as
 * `null`, fresh objects) compares equal to one that keeps objects.
 *
 * @since 0.1.0
 */
import { TokenRecord } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { equal, sameItems } from "../internal/assert.ts"

const json = (r: TokenRecord.TokenRecord | undefined): unknown => (r === undefined ? null : TokenRecord.toJson(r))

const FIELD_RULES: Readonly<Record<string, ReadonlyArray<string>>> = {
  merchantRequestId: ["IDEMPOTENCY"],
  requestDigest: ["IDEMPOTENCY"],
  status: ["DELETE-IRREVERSIBLE"],
  deletion: ["DELETE-IRREVERSIBLE"],
  sealed: ["DELETE-IRREVERSIBLE"],
  version: ["DELETE-IRREVERSIBLE"],
  scope: ["GROUP-MEMBERSHIP", "GROUP-ACCESS"],
  fingerprint: ["DUPLICATE-CARD"],
  customerId: ["DUPLICATE-CARD"],
  retainUntil: ["RETENTION-PURGE"]
}

/**
 * Requires the two records (or absences) to be equal. A difference is
 * blamed on the rule its fields belong to: a lost request id on
 * IDEMPOTENCY, a lost tombstone or version on DELETE-IRREVERSIBLE, a scope
 * on GROUP-MEMBERSHIP, and so on.
 *
 * @category predicates
 * @since 0.1.0
 */
export const sameRecord = (
  actual: TokenRecord.TokenRecord | undefined,
  expected: TokenRecord.TokenRecord | undefined,
  what: string,
  rules?: ReadonlyArray<string>
): void => {
  const a = json(actual) as Record<string, unknown> | null
  const e = json(expected) as Record<string, unknown> | null
  if (a === null || e === null) {
    return equal(a, e, what, e?.["status"] === "DELETED" || a?.["status"] === "DELETED" ? ["DELETE-IRREVERSIBLE"] : rules)
  }
  const differing = Object.keys(e).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(e[k]))
  const blamed = differing.flatMap((k) => FIELD_RULES[k] ?? [])
  equal(a, e, differing.length === 0 ? what : `${what} (${differing.join(", ")} differ)`, blamed.length > 0 ? blamed : rules)
}

/**
 * Requires two lists of records to hold the same records, in any order.
 *
 * @category predicates
 * @since 0.1.0
 */
export const sameRecords = (
  actual: ReadonlyArray<TokenRecord.TokenRecord>,
  expected: ReadonlyArray<TokenRecord.TokenRecord>,
  what: string,
  rules?: ReadonlyArray<string>
): void => sameItems(actual.map(json), expected.map(json), what, rules)

const merchantJson = (m: TokenStore.MerchantEntry | undefined): unknown =>
  m === undefined ? null : {
    merchantId: m.merchantId,
    prefix: m.prefix,
    format: m.format,
    tokenization: m.tokenization,
    luhn: m.luhn,
    groupId: m.groupId ?? null
  }

/**
 * Requires two merchant entries (or absences) to be equal.
 *
 * @category predicates
 * @since 0.1.0
 */
export const sameMerchant = (
  actual: TokenStore.MerchantEntry | undefined,
  expected: TokenStore.MerchantEntry | undefined,
  what: string,
  rules?: ReadonlyArray<string>
): void => equal(merchantJson(actual), merchantJson(expected), what, rules)

/**
 * Requires two merchant lists to hold the same entries, in any order.
 *
 * @category predicates
 * @since 0.1.0
 */
export const sameMerchants = (
  actual: ReadonlyArray<TokenStore.MerchantEntry>,
  expected: ReadonlyArray<TokenStore.MerchantEntry>,
  what: string,
  rules?: ReadonlyArray<string>
): void => sameItems(actual.map(merchantJson), expected.map(merchantJson), what, rules)
