/**
 * The one catalogue of stable error codes for every rule in tokenvault, and the
 * error value that carries them.
 *
 * Each code maps to the gateways' own codes where they have one (ACI result
 * codes such as `100.150.202`, Axerve's `1160`–`1165`). Assert errors by their
 * `_tag` and `code`, never by `message`: messages are for people and may
 * change. No message ever contains card digits.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The error catalogue as data: every stable code, what it means, and the
 * gateway codes it corresponds to.
 *
 * @category models
 * @since 0.1.0
 */
export const catalogue = {
  INVALID_INPUT: { description: "The input has the wrong type or shape.", aci: "200.300.404" },
  PAN_INVALID_LENGTH: { description: "A card number must have 12 to 19 digits (ISO/IEC 7812)." },
  PAN_INVALID_CHARACTERS: { description: "A card number may contain ASCII digits only." },
  PAN_LUHN_FAILED: { description: "The card number fails the Luhn check digit." },
  EXPIRY_INVALID: { description: "The expiry date is not in the expected format." },
  EXPIRY_INVALID_MONTH: { description: "The expiry month must be 01 to 12." },
  CARD_EXPIRED: { description: "The card's expiry date has passed.", axerve: "1126" },
  IBAN_INVALID: { description: "The IBAN fails its format or mod-97 check." },
  REQUEST_TOKEN_INVALID: { description: "requestToken must be MASKEDPAN or a custom value, optionally after :FORCED:." },
  CUSTOM_TOKEN_INVALID: { description: "The custom token breaks one or more of Axerve's rules.", axerve: "1160" },
  CUSTOM_TOKEN_TAKEN: { description: "The custom token is already used for another card.", axerve: "1163" },
  PREFIX_INVALID: { description: "A merchant prefix is 4 characters of [A-Z0-9]." },
  PREFIX_TAKEN: { description: "The merchant prefix is already assigned to another merchant." },
  TOKEN_MALFORMED: { description: "The token does not match any known token format.", aci: "100.150.101" },
  TOKEN_NOT_FOUND: { description: "No token with that value exists for this merchant.", aci: "100.150.200", axerve: "1165" },
  TOKEN_DELETED: { description: "The token was deregistered and can no longer be used.", aci: "100.150.202" },
  TOKEN_ALREADY_DELETED: { description: "The token is already deleted.", aci: "100.350.303" },
  TOKEN_SUSPENDED: { description: "The token is suspended and cannot be used until resumed." },
  TOKEN_EXPIRED: { description: "The card behind the token has expired.", axerve: "1164" },
  RETENTION_EXPIRED: { description: "The token's retention period has passed.", aci: "100.150.206" },
  ILLEGAL_TRANSITION: { description: "The status change is not allowed by the status table." },
  COF_INVALID: { description: "The card-on-file combination of source, mode and type is not allowed." },
  COF_NO_AGREEMENT: {
    description: "A merchant-initiated repeated payment needs an agreement set up by a CIT INITIAL payment.",
    aci: "100.150.300"
  },
  TOKENIZATION_DISABLED: { description: "Tokenization is not enabled for this merchant." },
  MERCHANT_UNKNOWN: { description: "The merchant is not known to the vault." },
  MERCHANT_EXISTS: { description: "The merchant already exists." },
  GROUP_UNKNOWN: { description: "The merchant group does not exist." },
  GROUP_EXISTS: { description: "The merchant group already exists." },
  GROUP_MEMBERSHIP: { description: "The merchant's group membership does not allow this change." },
  IDEMPOTENCY_CONFLICT: { description: "The merchantRequestId was already used with a different payload." },
  STORE_CONFLICT: { description: "The record changed concurrently; the operation can be retried." },
  STORE_UNAVAILABLE: { description: "The token store is unavailable." },
  CRYPTO_FAILURE: { description: "Card data could not be decrypted or verified." },
  KEY_INVALID_STATE: { description: "The key operation is not allowed in the keyring's current state." },
  KEY_VERSION_IN_USE: { description: "Records still use a key version below the requested minimum." },
  JWE_MALFORMED: { description: "The JWE is not a well-formed compact serialization." },
  JWE_UNSUPPORTED_ALGORITHM: { description: "Only alg ECDH-ES+A256KW with enc A256GCM on P-384 is accepted." },
  JWE_UNKNOWN_KEY: { description: "The JWE names a key id the vault does not hold." },
  JWE_INVALID_KEY: { description: "The JWE's ephemeral public key is not a valid P-384 point." },
  JWE_DECRYPTION_FAILED: { description: "The JWE could not be decrypted." },
  JWE_INVALID_PLAINTEXT: { description: "The decrypted JWE does not hold a card number or a YYMM expiry." }
} as const satisfies Record<string, { readonly description: string; readonly aci?: string; readonly axerve?: string }>

/**
 * A stable error code from the {@link catalogue}.
 *
 * @category models
 * @since 0.1.0
 */
export type ErrorCode = keyof typeof catalogue

/**
 * Every error code, as a list.
 *
 * @category models
 * @since 0.1.0
 */
export const errorCodes = Object.keys(catalogue) as ReadonlyArray<ErrorCode>

/**
 * One broken rule inside a {@link TokenError}: the custom-token validator, for
 * one, reports every rule a value breaks at once.
 *
 * @category models
 * @since 0.1.0
 */
export class Violation extends Schema.Class<Violation>("@tokenvault/core/Violation")({
  rule: Schema.String,
  gatewayCode: Schema.optional(Schema.String),
  message: Schema.String
}) {}

/**
 * The typed error of every rule. `code` is stable; `gatewayCode` is the
 * gateway's own code where one exists (ACI's, else Axerve's); `rule` names the
 * rule ID from the registry.
 *
 * **Gotchas**
 *
 * Messages never contain card digits, keys or decrypted data.
 *
 * @category errors
 * @since 0.1.0
 */
export class TokenError extends Schema.TaggedError<TokenError>()("TokenError", {
  code: Schema.Literals(errorCodes),
  gatewayCode: Schema.optional(Schema.String),
  message: Schema.String,
  rule: Schema.optional(Schema.String),
  violations: Schema.optional(Schema.Array(Violation))
}) {}

const optionalString = (u: unknown): boolean => u === undefined || typeof u === "string"

const validOptions = (o: unknown): boolean => {
  if (o === undefined) return true
  if (typeof o !== "object" || o === null) return false
  const { gatewayCode, message, rule, violations } = o as Record<string, unknown>
  return optionalString(message) && optionalString(rule) && optionalString(gatewayCode) &&
    (violations === undefined || (Array.isArray(violations) && violations.every((v) => v instanceof Violation)))
}

/**
 * Builds a {@link TokenError} for `code`, filling in the gateway code from the
 * catalogue (ACI first, then Axerve) unless one is given. A code outside the
 * catalogue, or options of the wrong types, throw an `INVALID_INPUT`
 * {@link TokenError} instead.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  code: ErrorCode,
  options?: {
    readonly message?: string | undefined
    readonly rule?: string | undefined
    readonly gatewayCode?: string | undefined
    readonly violations?: ReadonlyArray<Violation> | undefined
  }
): TokenError => {
  if (typeof code !== "string" || !Object.hasOwn(catalogue, code) || !validOptions(options)) {
    throw make("INVALID_INPUT", { message: "TokenError.make needs a catalogued code and string options." })
  }
  const entry: { readonly description: string; readonly aci?: string; readonly axerve?: string } = catalogue[code]
  const gatewayCode = options?.gatewayCode ?? entry.aci ?? entry.axerve
  return new TokenError({
    code,
    message: options?.message ?? entry.description,
    ...(gatewayCode === undefined ? {} : { gatewayCode }),
    ...(options?.rule === undefined ? {} : { rule: options.rule }),
    ...(options?.violations === undefined ? {} : { violations: options.violations })
  })
}

/**
 * True when `u` is a {@link TokenError}.
 *
 * @category guards
 * @since 0.1.0
 */
export const isTokenError = (u: unknown): u is TokenError => u instanceof TokenError
