/**
 * Token sharing in merchant groups (Axerve): merchants in a group use, update
 * and delete each other's group tokens. A token's *scope* is either its
 * owner merchant or a group.
 *
 * **Details**
 *
 * - Joining a group with previous tokens moves the merchant's own tokens from
 *   its merchant scope to the group; without them, they stay private.
 * - Leaving a group taking tokens moves the merchant's own tokens back from
 *   the group to its merchant scope; leaving them keeps them in the group,
 *   where the remaining members still use them.
 * - A merchant belongs to at most one group.
 *
 * Membership changes are pure: they return the new membership and the
 * re-scoping a store applies atomically.
 *
 * Ids are strings and a membership is a `Map` of strings; anything else is
 * a typed `INVALID_INPUT` error (a failed `Result` from {@link join} and
 * {@link leave}, thrown by the others).
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { invalidInput, isRecord, map, string } from "./internal/input.ts"
import * as TokenError from "./TokenError.ts"

/**
 * A token's scope: `merchant:<id>` or `group:<id>`.
 *
 * @category models
 * @since 0.1.0
 */
export type Scope = `merchant:${string}` | `group:${string}`

/**
 * The scope of a merchant's private tokens.
 *
 * @category constructors
 * @since 0.1.0
 */
export const merchantScope = (merchantId: string): Scope => `merchant:${string(merchantId, "merchantId")}`

/**
 * The scope of a group's shared tokens.
 *
 * @category constructors
 * @since 0.1.0
 */
export const groupScope = (groupId: string): Scope => `group:${string(groupId, "groupId")}`

/**
 * Group membership: merchant ID → group ID.
 *
 * @category models
 * @since 0.1.0
 */
export type Membership = ReadonlyMap<string, string>

/** The group of `merchantId`, checking the argument types. */
const groupOf = (membership: Membership, merchantId: string): string | undefined => {
  const group = map(membership, "membership").get(string(merchantId, "merchantId"))
  if (group !== undefined && typeof group !== "string") throw invalidInput("A membership's group id", "a string", group)
  return group
}

/**
 * The scopes a merchant can see: its own, and its group's if it has one.
 *
 * @category getters
 * @since 0.1.0
 */
export const visibleScopes = (merchantId: string, membership: Membership): ReadonlyArray<Scope> => {
  const group = groupOf(membership, merchantId)
  return group === undefined ? [merchantScope(merchantId)] : [merchantScope(merchantId), groupScope(group)]
}

/**
 * The scope new tokens of a merchant get: the group's when the merchant is in
 * one ("tokens created by merchants belonging to a group will be available to
 * all the merchants of the same group"), else its own.
 *
 * @category getters
 * @since 0.1.0
 */
export const scopeForNewTokens = (merchantId: string, membership: Membership): Scope => {
  const group = groupOf(membership, merchantId)
  return group === undefined ? merchantScope(merchantId) : groupScope(group)
}

/**
 * True when `merchantId` may read, use, update or delete a token in `scope`.
 *
 * @category predicates
 * @since 0.1.0
 */
export const canAccess = (scope: Scope, merchantId: string, membership: Membership): boolean => {
  const group = groupOf(membership, merchantId)
  return scope === merchantScope(merchantId) || (group !== undefined && scope === groupScope(group))
}

/**
 * A re-scoping a store applies atomically: every token owned by `owner` in
 * scope `from` moves to scope `to`.
 *
 * @category models
 * @since 0.1.0
 */
export interface Rescope {
  readonly owner: string
  readonly from: Scope
  readonly to: Scope
}

/**
 * The outcome of a membership change.
 *
 * @category models
 * @since 0.1.0
 */
export interface Change {
  readonly membership: Membership
  readonly rescope: Rescope | undefined
}

/** The typed error for arguments of {@link join} or {@link leave} of the wrong type, if any. */
const badArguments = (membership: unknown, merchantId: unknown, groupId: unknown, tokens: unknown): TokenError.TokenError | undefined =>
  !(membership instanceof Map)
    ? invalidInput("membership", "a Map", membership)
    : typeof merchantId !== "string"
    ? invalidInput("merchantId", "a string", merchantId)
    : typeof groupId !== "string"
    ? invalidInput("groupId", "a string", groupId)
    : typeof tokens !== "boolean"
    ? invalidInput("The tokens flag", "a boolean", tokens)
    : undefined

/**
 * `merchantId` joins `groupId`, bringing its previous tokens or not.
 *
 * @category combinators
 * @since 0.1.0
 */
export const join = (
  membership: Membership,
  merchantId: string,
  groupId: string,
  withTokens: boolean
): Result.Result<Change, TokenError.TokenError> => {
  const bad = badArguments(membership, merchantId, groupId, withTokens)
  if (bad !== undefined) return Result.fail(bad)
  if (membership.has(merchantId)) {
    return Result.fail(TokenError.make("GROUP_MEMBERSHIP", { rule: "GROUP-MEMBERSHIP", message: "The merchant is already in a group." }))
  }
  const next = new Map(membership)
  next.set(merchantId, groupId)
  return Result.succeed({
    membership: next,
    rescope: withTokens ? { owner: merchantId, from: merchantScope(merchantId), to: groupScope(groupId) } : undefined
  })
}

/**
 * `merchantId` leaves `groupId`, taking its tokens or leaving them with the
 * group.
 *
 * @category combinators
 * @since 0.1.0
 */
export const leave = (
  membership: Membership,
  merchantId: string,
  groupId: string,
  takeTokens: boolean
): Result.Result<Change, TokenError.TokenError> => {
  const bad = badArguments(membership, merchantId, groupId, takeTokens)
  if (bad !== undefined) return Result.fail(bad)
  if (membership.get(merchantId) !== groupId) {
    return Result.fail(TokenError.make("GROUP_MEMBERSHIP", { rule: "GROUP-MEMBERSHIP", message: "The merchant is not in that group." }))
  }
  const next = new Map(membership)
  next.delete(merchantId)
  return Result.succeed({
    membership: next,
    rescope: takeTokens ? { owner: merchantId, from: groupScope(groupId), to: merchantScope(merchantId) } : undefined
  })
}

/**
 * Applies a {@link Rescope} to one token's scope (for models and adapters
 * that re-scope record by record inside a transaction).
 *
 * @category combinators
 * @since 0.1.0
 */
export const applyRescope = (rescope: Rescope, owner: string, scope: Scope): Scope => {
  if (!isRecord(rescope)) throw invalidInput("A rescope", "{ owner, from, to }", rescope)
  return owner === rescope.owner && scope === rescope.from ? rescope.to : scope
}
