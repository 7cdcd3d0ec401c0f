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
 * An idempotency key bound to the token it was answered with, when that
 * token was not created by it (a duplicate card answered an ACTIVE token that
 * carries another key, or none of the asking merchant's).
 *
 * @category models
 * @since 0.1.0
 */
export interface RequestKey {
  readonly merchantId: string
  readonly merchantRequestId: string
  readonly token: string
  /** The keyed digest of the request's payload (`undefined` only for a record stored without one). */
  readonly requestDigest: string | undefined
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
  /** A `NotFound` error: the record does not exist. */
  notFound: () => new TokenStoreError({ reason: new NotFound() }),
  /** A `Conflict` error: compare-and-set found another version. */
  conflict: () => new TokenStoreError({ reason: new Conflict() }),
  /** A `Duplicate` error naming the uniqueness constraint that refused the write. */
  duplicate: (constraint: Duplicate["constraint"]) => new TokenStoreError({ reason: new Duplicate({ constraint }) }),
  /** An `Unavailable` error with a detail that names no data. */
  unavailable: (detail: string) => new TokenStoreError({ reason: new Unavailable({ detail }) }),
  /** A `Locked` error: another writer holds the lock. */
  locked: () => new TokenStoreError({ reason: new Locked() }),
  /** A `Corrupt` error with a detail that names no data. */
  corrupt: (detail: string) => new TokenStoreError({ reason: new Corrupt({ detail }) })
} as const

/**
 * Synchronous reads, offered by stores that hold their records in memory
 * (the memory and file stores). Each answers exactly what its effectful twin
 * answers, or `undefined` when it cannot answer at once (the store is closed
 * or poisoned, or the answer is not durable yet): the caller then takes the
 * effectful read, which waits or gives the typed error.
 *
 * The vault's read-only hot path (an authorized use that writes nothing)
 * and tokenize's merchant read use them to skip the Effect runtime's steps;
 * a store without them loses speed, nothing else. The conformance kit checks
 * them against the model.
 *
 * **Gotchas**
 *
 * A wrapper made by spreading a store (`{ ...store, get: audited }`) keeps
 * the store's `peek`, which does not go through the wrapper's `get` or
 * `getMerchant`. A wrapper that must see every read overrides `peek` too, or
 * drops it.
 *
 * @category models
 * @since 0.1.0
 */
export interface Peek {
  /** What `get(token)` answers, or `undefined`. */
  readonly record: (token: string) => TokenRecord.TokenRecord | undefined
  /** What `getMerchant(merchantId)` answers, or `undefined`. */
  readonly merchant: (merchantId: string) => MerchantEntry | undefined
}

/**
 * The store's operations.
 *
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /** What the adapter promises; the conformance kit validates it. */
  readonly capabilities: Capabilities
  /**
   * Inserts a new record. Fails with `Duplicate` when the token value exists (tombstones
   * included), when the `(merchantId, merchantRequestId)` pair exists, or when another ACTIVE
   * record has the same `(scope, customerId, fingerprint)`.
   */
  readonly insert: (record: TokenRecord.TokenRecord) => Effect.Effect<void, TokenStoreError>
  /** Optional synchronous reads (see {@link Peek}); only stores that hold their records in memory offer them. */
  readonly peek?: Peek | undefined
  /** The record of a token value, tombstones included, or `undefined`. */
  readonly get: (token: string) => Effect.Effect<TokenRecord.TokenRecord | undefined, TokenStoreError>
  /**
   * The record a merchant created with `merchantRequestId` (idempotency), or `undefined`.
   * Keys bound with `bindRequestId` are not returned here: see `getRequestKey`.
   */
  readonly getByRequestId: (
    merchantId: string,
    merchantRequestId: string
  ) => Effect.Effect<TokenRecord.TokenRecord | undefined, TokenStoreError>
  /**
   * Replaces a record by compare-and-set: succeeds only when the stored version is
   * `next.version - 1` (else `Conflict`; `NotFound` when absent), and keeps the
   * ACTIVE-fingerprint uniqueness (`Duplicate`).
   */
  readonly update: (next: TokenRecord.TokenRecord) => Effect.Effect<void, TokenStoreError>
  /** The live records (no tombstones) of a customer in a scope, from an index. */
  readonly findByCustomer: (
    scope: Group.Scope,
    customerId: string
  ) => Effect.Effect<ReadonlyArray<TokenRecord.TokenRecord>, TokenStoreError>
  /** The live records of a card fingerprint in a scope, from an index (duplicate detection). */
  readonly findByFingerprint: (
    scope: Group.Scope,
    fingerprint: string
  ) => Effect.Effect<ReadonlyArray<TokenRecord.TokenRecord>, TokenStoreError>
  /** One page of a scope's live records, ordered by token; pass `cursor` back for the next. */
  readonly listByScope: (
    scope: Group.Scope,
    page: PageRequest
  ) => Effect.Effect<Page<TokenRecord.TokenRecord>, TokenStoreError>
  /**
   * One page of the live records whose `retainUntil` is on or before `onOrBefore` (the
   * retention sweep), ordered by date then token.
   */
  readonly dueForPurge: (
    onOrBefore: IsoDate.IsoDate,
    page: PageRequest
  ) => Effect.Effect<Page<TokenRecord.TokenRecord>, TokenStoreError>
  /** A merchant with its group membership, or `undefined`. */
  readonly getMerchant: (merchantId: string) => Effect.Effect<MerchantEntry | undefined, TokenStoreError>
  /**
   * Adds or replaces a merchant's configuration; `Duplicate` (`prefix`) when another
   * merchant holds the prefix. Group membership is kept.
   */
  readonly putMerchant: (merchant: Merchant.Merchant) => Effect.Effect<void, TokenStoreError>
  /** Every merchant, ordered by ID. */
  readonly listMerchants: () => Effect.Effect<ReadonlyArray<MerchantEntry>, TokenStoreError>
  /** Creates a merchant group; `Duplicate` (`group`) when it exists. */
  readonly createGroup: (groupId: string) => Effect.Effect<void, TokenStoreError>
  /** Whether a group exists. */
  readonly hasGroup: (groupId: string) => Effect.Effect<boolean, TokenStoreError>
  /**
   * Sets a merchant's group and applies the re-scoping of its tokens in one atomic step
   * (all or nothing); returns how many records moved. `NotFound` for an unknown merchant
   * or group, `Duplicate` (`activeFingerprint`) when a move would break uniqueness.
   */
  readonly changeMembership: (change: MembershipChange) => Effect.Effect<number, TokenStoreError>
  /** Releases the store; later calls fail with `Unavailable`. */
  readonly close: () => Effect.Effect<void, TokenStoreError>
  /**
   * Binds an idempotency key to an existing token: the vault binds a new key to the
   * duplicate token it is answered with, for the asking merchant. `Duplicate` (`merchantRequestId`)
   * when the `(merchantId, merchantRequestId)` pair is taken, by a record or a binding;
   * `NotFound` when the token does not exist. Bindings outlive deletion, as record keys do,
   * and `insert` refuses a record whose pair is bound.
   */
  readonly bindRequestId: (key: RequestKey) => Effect.Effect<void, TokenStoreError>
  /**
   * The key a merchant used, with its token and digest: a record's own key
   * (`merchantRequestId`, `requestDigest`) or a bound one, tombstones included;
   * `undefined` when unused.
   */
  readonly getRequestKey: (
    merchantId: string,
    merchantRequestId: string
  ) => Effect.Effect<RequestKey | undefined, TokenStoreError>
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
