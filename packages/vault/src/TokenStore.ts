/**
 * The storage port: where the vault keeps token records, tombstones, merchants
 * and groups. Adapters implement this small surface and publish a
 * `capabilities` manifest; the conformance kit checks them against a model.
 *
 * **Obligations every adapter meets**
 *
 * - `insert` refuses (reason `Duplicate`) a token value that exists, tombstones
 *   included; a `(merchantId, merchantRequestId)` pair that exists; and a
 *   second ACTIVE record with the same `(scope, customerId, fingerprint)`.
 * - `update` is compare-and-set: it succeeds only when the stored version is
 *   `next.version - 1` (else `Conflict`; `NotFound` when absent), and it
 *   enforces the same ACTIVE-fingerprint uniqueness.
 * - Indexed queries never return tombstones (status `DELETED`) and never scan
 *   every record. Pages are ordered and resumable by `cursor`.
 * - `changeMembership` updates a merchant's group and re-scopes its tokens in
 *   one atomic step.
 *
 * @since 0.1.0
 */
import type { Group, IsoDate, Merchant, TokenRecord } from "@tokenvault/core"
import { Context, type Effect, Schema } from "effect"

/**
 * What an adapter promises, published with it and validated by the kit.
 *
 * @category models
 * @since 0.1.0
 */
export interface Capabilities {
  /** A short adapter name for reports. */
  readonly name: string
  /** Whether state survives `close` and reopen. */
  readonly durable: boolean
  /** When a write is acknowledged: after fsync, after a batched fsync, or without one. */
  readonly durability: "fsync" | "batch" | "none"
  /** The largest page a query returns. */
  readonly maxPageSize: number
  /** Whether several processes may write concurrently (PostgreSQL) or only one (file). */
  readonly multiProcess: boolean
}

/**
 * A page of query results; pass `cursor` back for the next page.
 *
 * @category models
 * @since 0.1.0
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly cursor: string | undefined
}

/**
 * Paging options. `limit` is capped by `capabilities.maxPageSize`.
 *
 * @category models
 * @since 0.1.0
 */
export interface PageRequest {
  readonly limit: number
  readonly cursor?: string | undefined
}

/**
 * A merchant as stored, with its group membership.
 *
 * @category models
 * @since 0.1.0
 */
export interface MerchantEntry extends Merchant.Merchant {
  readonly groupId: string | undefined
}

/**
 * A membership change applied atomically with its re-scoping.
 *
 * @category models
 * @since 0.1.0
 */
export interface MembershipChange {
  readonly merchantId: string
  readonly groupId: string | undefined
  readonly rescope: Group.Rescope | undefined
}

/**
 * The record does not exist.
 *
 * @category errors
 * @since 0.1.0
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {}) {}

/**
 * Compare-and-set failed: the stored version is not the expected one.
 *
 * @category errors
 * @since 0.1.0
 */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {}) {}

/**
 * A uniqueness constraint refused the write.
 *
 * @category errors
 * @since 0.1.0
 */
export class Duplicate extends Schema.TaggedError<Duplicate>()("Duplicate", {
  constraint: Schema.Literals(["token", "merchantRequestId", "activeFingerprint", "merchant", "prefix", "group"])
}) {}

/**
 * The store cannot serve: closed, unreachable, poisoned after an fsync error,
 * or out of space. Retry after the cause is fixed (and, when poisoned, after
 * reopening).
 *
 * @category errors
 * @since 0.1.0
 */
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", {
  detail: Schema.String
}) {}

/**
 * Another writer holds the store's lock.
 *
 * @category errors
 * @since 0.1.0
 */
export class Locked extends Schema.TaggedError<Locked>()("Locked", {}) {}

/**
 * Stored data failed an integrity check (checksum, sequence or format).
 *
 * @category errors
 * @since 0.1.0
 */
export class Corrupt extends Schema.TaggedError<Corrupt>()("Corrupt", {
  detail: Schema.String
}) {}

/**
 * The one error of the port, with a tagged `reason`. Handle a reason with
 * `Effect.catchReason("TokenStoreError", "Conflict", …)`.
 *
 * @category errors
 * @since 0.1.0
 */
export class TokenStoreError extends Schema.TaggedError<TokenStoreError>()("TokenStoreError", {
  reason: Schema.Union([NotFound, Conflict, Duplicate, Unavailable, Locked, Corrupt])
}) {}

/**
 * The reasons' tags.
 *
 * @category models
 * @since 0.1.0
 */
export type Reason = TokenStoreError["reason"]["_tag"]

/**
 * Shorthand constructors for {@link TokenStoreError}.
 *
 * @category constructors
 * @since 0.1.0
 */
export const errors = {
  notFound: () => new TokenStoreError({ reason: new NotFound() }),
  conflict: () => new TokenStoreError({ reason: new Conflict() }),
  duplicate: (constraint: Duplicate["constraint"]) => new TokenStoreError({ reason: new Duplicate({ constraint }) }),
  unavailable: (detail: string) => new TokenStoreError({ reason: new Unavailable({ detail }) }),
  locked: () => new TokenStoreError({ reason: new Locked() }),
  corrupt: (detail: string) => new TokenStoreError({ reason: new Corrupt({ detail }) })
} as const

/**
 * The store's operations.
 *
 * @category models
 * @since 0.1.0
 */
export interface Service {
  readonly capabilities: Capabilities
  readonly insert: (record: TokenRecord.TokenRecord) => Effect.Effect<void, TokenStoreError>
  readonly get: (token: string) => Effect.Effect<TokenRecord.TokenRecord | undefined, TokenStoreError>
  readonly getByRequestId: (
    merchantId: string,
    merchantRequestId: string
  ) => Effect.Effect<TokenRecord.TokenRecord | undefined, TokenStoreError>
  readonly update: (next: TokenRecord.TokenRecord) => Effect.Effect<void, TokenStoreError>
  readonly findByCustomer: (
    scope: Group.Scope,
    customerId: string
  ) => Effect.Effect<ReadonlyArray<TokenRecord.TokenRecord>, TokenStoreError>
  readonly findByFingerprint: (
    scope: Group.Scope,
    fingerprint: string
  ) => Effect.Effect<ReadonlyArray<TokenRecord.TokenRecord>, TokenStoreError>
  readonly listByScope: (
    scope: Group.Scope,
    page: PageRequest
  ) => Effect.Effect<Page<TokenRecord.TokenRecord>, TokenStoreError>
  readonly dueForPurge: (
    onOrBefore: IsoDate.IsoDate,
    page: PageRequest
  ) => Effect.Effect<Page<TokenRecord.TokenRecord>, TokenStoreError>
  readonly getMerchant: (merchantId: string) => Effect.Effect<MerchantEntry | undefined, TokenStoreError>
  readonly putMerchant: (merchant: Merchant.Merchant) => Effect.Effect<void, TokenStoreError>
  readonly listMerchants: () => Effect.Effect<ReadonlyArray<MerchantEntry>, TokenStoreError>
  readonly createGroup: (groupId: string) => Effect.Effect<void, TokenStoreError>
  readonly hasGroup: (groupId: string) => Effect.Effect<boolean, TokenStoreError>
  readonly changeMembership: (change: MembershipChange) => Effect.Effect<number, TokenStoreError>
  readonly close: () => Effect.Effect<void, TokenStoreError>
}

/**
 * The storage port as an Effect service.
 *
 * @category services
 * @since 0.1.0
 */
export class TokenStore extends Context.Service<TokenStore, Service>()("@tokenvault/vault/TokenStore") {}

/**
 * Checks a capabilities manifest's shape; returns the problems found (empty
 * when valid).
 *
 * @category predicates
 * @since 0.1.0
 */
export const validateCapabilities = (u: unknown): ReadonlyArray<string> => {
  const problems: Array<string> = []
  if (typeof u !== "object" || u === null) return ["capabilities must be an object"]
  const c = u as Record<string, unknown>
  if (typeof c["name"] !== "string" || c["name"].length === 0) problems.push("name must be a non-empty string")
  if (typeof c["durable"] !== "boolean") problems.push("durable must be a boolean")
  if (!["fsync", "batch", "none"].includes(c["durability"] as string)) problems.push("durability must be fsync, batch or none")
  if (c["durable"] === false && c["durability"] !== "none") problems.push("a store that is not durable must say durability: none")
  if (c["durable"] === true && c["durability"] === "none") problems.push("a durable store must acknowledge after fsync or batch")
  if (typeof c["maxPageSize"] !== "number" || !Number.isInteger(c["maxPageSize"]) || (c["maxPageSize"] as number) < 1) {
    problems.push("maxPageSize must be a positive integer")
  }
  if (typeof c["multiProcess"] !== "boolean") problems.push("multiProcess must be a boolean")
  return problems
}
