/**
 * The rule registry: every rule tokenvault enforces, with a stable ID, a
 * one-line statement, its source, the gateway codes it produces and the code
 * that enforces it. Docs and the conformance kit read this table; tests name
 * the rule IDs they check (`[RULE-ID]` in the test title), and the docs
 * generator refuses a rule that no test names.
 *
 * @since 0.1.0
 */

/**
 * Where a rule comes from: a seed document (with section), a standard (with
 * requirement) or a public document.
 *
 * @category models
 * @since 0.1.0
 */
export interface Source {
  readonly document: string
  readonly section: string
}

/**
 * One rule of the registry.
 *
 * @category models
 * @since 0.1.0
 */
export interface Rule {
  readonly id: string
  readonly statement: string
  readonly sources: ReadonlyArray<Source>
  readonly gatewayCodes: ReadonlyArray<string>
  readonly enforcedBy: ReadonlyArray<string>
}

const ACI = "seed 000 (ACI / Open Payment Platform, Server-to-Server Registration Tokens)"
const AXERVE = "seed 002 (Axerve / GestPay, Handling subscriptions: Tokenization)"
const ALLIANCE = "seed 003 (AlliancePay, Token Creation)"
const ACI_RETENTION = "ACI Data Retention Policy (docs.prtpe.com/reference/data-retention-policy)"
const ACI_RESULTS = "ACI result codes (docs.aciworldwide.com/reference/resultCodes)"
const ACI_COF = "ACI card-on-file / standing instructions (hyperpay.docs.oppwa.com/cof)"
const AXERVE_ERRORS = "Axerve API errors (gestpay-api source/includes/_errors.md)"
const AXERVE_WS = "Axerve WSs2s services (gestpay-api source/includes)"
const ALLIANCE_STATUS = "AlliancePay Update Token Status (docs.merchant.alb.ua/en/payment-methods-h2h/token/update-token-status)"
const ALLIANCE_CRYPTO = "AlliancePay Encryption of card data (docs.merchant.alb.ua/en/authorization-2.0/encryption-of-card-data)"
const PCI = "PCI DSS v4.0.1"
const PCI_TOKEN = "PCI DSS Tokenization Guidelines (2011) §2.1.1"

const rule = (
  id: string,
  statement: string,
  sources: ReadonlyArray<readonly [string, string]>,
  enforcedBy: ReadonlyArray<string>,
  gatewayCodes: ReadonlyArray<string> = []
): Rule => ({
  id,
  statement,
  sources: sources.map(([document, section]) => ({ document, section })),
  gatewayCodes,
  enforcedBy
})

/**
 * Every rule, in the order the docs present them.
 *
 * @category models
 * @since 0.1.0
 */
export const all: ReadonlyArray<Rule> = [
  // PAN
  rule("PAN-LENGTH", "A card number has 12 to 19 ASCII digits.", [["ISO/IEC 7812-1", "§4 (PAN length)"]], [
    "core/Pan.parse"
  ]),
  rule(
    "PAN-LUHN",
    "A card number passes the Luhn check, unless the merchant's Luhn policy is `report`, where the number is accepted and the failure reported as CheckDigit KO instead.",
    [["ISO/IEC 7812-1", "Annex B (Luhn)"], [AXERVE_WS, "CallRequestTokenS2S CheckDigit OK|KO"]],
    ["core/Pan.parse"]
  ),
  rule("PAN-BRAND", "The card brand comes from a data table of IIN ranges, named as the gateways name them.", [[
    ACI,
    "One-click payment (MASTER VISA AMEX CHINAUNIONPAY)"
  ]], ["core/CardBrand.detect"]),
  rule(
    "PAN-REDACTED",
    "A card number never prints itself: String(), JSON.stringify and util.inspect show a masked form only.",
    [[PCI, "Req 3.4.1, 3.5.1"]],
    ["core/Pan.Pan"]
  ),
  // Masks
  rule(
    "MASK-PCI",
    "No displayed form of a card number (mask, token, Pan field) shows more than the BIN (first 6 digits, first 8 on PANs of 16 or more) and the last 4, and each hides at least 6 digits: shorter PANs show fewer leading digits (a 12-digit PAN its first 2 and last 4).",
    [[PCI, "Req 3.4.1"], ["PCI SSC FAQ 1492", "8-digit BINs"], ["PCI SSC FAQ 1091", "truncation baseline: first 6 + last 4"]],
    ["core/Mask", "core/Pan.Pan"]
  ),
  rule(
    "MASK-BIN6-LAST4",
    "maskedPan shows the first 6 and last 4 digits with • in between, preserving length; PANs under 16 digits show fewer leading digits, as MASK-PCI requires.",
    [[ALLIANCE, "Response Parameters: maskedPan 528529••••••0255"]],
    ["core/Mask.bin6Last4"]
  ),
  // Expiry
  rule(
    "EXPIRY-FORMAT",
    "An expiry date parses from MM/YY, MMYY or YYMM with 2- or 4-digit years; month 00 or 13 is refused.",
    [[ALLIANCE, "encryptedExpDate 2503 (YYMM)"], [AXERVE_WS, "expiryMonth/expiryYear"]],
    ["core/Expiry.parse"]
  ),
  rule("EXPIRY-END-OF-MONTH", "A card is valid through the last day of its expiry month (UTC).", [[
    ACI_RETENTION,
    "Card token data"
  ]], ["core/Expiry.isExpired"]),
  // Non-card
  rule("IBAN-MOD97", "A bank account is an IBAN of 15 to 34 characters with a valid ISO 13616 mod-97 check.", [[
    "ISO 13616-1",
    "§6 (check digits)"
  ], [ACI, "Standalone tokenization (card and non-card data)"]], ["core/Iban.parse"]),
  // Token formats
  rule("FORMAT-REGISTRATION", "A registration token is 32 lowercase hex characters.", [[ACI, "Standalone tokenization"], [
    ACI_RESULTS,
    "100.150.101 (must be uuid format)"
  ]], ["core/TokenFormat.registration"]),
  rule(
    "FORMAT-STANDARD",
    "A standard token is 16 characters: the first 2 PAN digits, the merchant's 4-character prefix, 6 characters of [0-9A-Z] and the last 4 PAN digits.",
    [[AXERVE, "Token Values: Standard Tokens"]],
    ["core/TokenFormat.standard"]
  ),
  rule("FORMAT-CUSTOM", "A custom token is the merchant prefix followed by the validated, uppercased requested value.", [[
    AXERVE,
    "Token Values: Custom Tokens"
  ]], ["core/TokenFormat.custom"]),
  rule("FORMAT-OPAQUE", "An opaque token is 22–24 base64url characters carrying at least 128 random bits, and never begins with `-`.", [[
    ALLIANCE,
    "Response Parameters: token"
  ]], ["core/TokenFormat.opaque"]),
  rule(
    "TOKEN-NOT-PAN",
    "No generated token is ever a Luhn-valid string of 12 to 19 digits, so nothing can take it for a card number.",
    [[PCI_TOKEN, "token generation"], ["PCI DSS Tokenization Product Security Guidelines (2015)", "Domain 1"]],
    ["core/TokenFormat.generate"]
  ),
  rule(
    "TOKEN-RANDOM",
    "Token values come from a CSPRNG and are never derived from the card number.",
    [[PCI_TOKEN, "token generation"], [PCI, "Req 3.5.1 (index tokens)"]],
    ["core/TokenFormat.generate", "vault/Vault.tokenize"]
  ),
  // requestToken and custom tokens
  rule(
    "REQUEST-TOKEN-SYNTAX",
    "requestToken is an optional :FORCED: prefix followed by the exact word MASKEDPAN (standard token) or any other value (custom token).",
    [[AXERVE, "Token Values; :FORCED:"]],
    ["core/RequestToken.parse"]
  ),
  rule("CUSTOM-TOKEN-LENGTH", "A custom token value has 10 to 20 characters.", [[AXERVE, "Rules for Custom Tokens"], [
    AXERVE_ERRORS,
    "1160 Wrong CustomToken length"
  ]], ["core/CustomToken.validate"], ["1160"]),
  rule("CUSTOM-TOKEN-DIGITS", "A custom token value has at most 8 digits.", [[AXERVE, "Rules for Custom Tokens"], [
    AXERVE_ERRORS,
    "1161 Wrong CustomToken digits number"
  ]], ["core/CustomToken.validate"], ["1161"]),
  rule(
    "CUSTOM-TOKEN-CHARSET",
    "A custom token value contains ASCII letters, digits and underscore only.",
    [[AXERVE, "Rules for Custom Tokens"], [AXERVE_ERRORS, "1162 CustomToken with illegal characters"]],
    ["core/CustomToken.validate"],
    ["1162"]
  ),
  rule("CUSTOM-TOKEN-CASE", "Custom token values are case-insensitive and stored uppercase.", [[
    AXERVE,
    "Rules for Custom Tokens"
  ]], ["core/CustomToken.validate"]),
  rule(
    "CUSTOM-TOKEN-UNIQUE",
    "A custom token already used for another card is refused; for the same card the existing token is returned.",
    [[AXERVE_ERRORS, "1163 CustomToken used for another card"]],
    ["vault/Vault.tokenize"],
    ["1163"]
  ),
  rule("MERCHANT-PREFIX", "A merchant prefix is 4 characters of [A-Z0-9], unique per merchant.", [[
    AXERVE,
    "Token Values (the first 4 characters are the same for each merchant)"
  ]], ["core/MerchantPrefix.validate"]),
  // Dates
  rule(
    "DATE-RANGE",
    "Calendar dates are YYYY-MM-DD in the years 0000–9999; a date, instant or month sum outside that range is refused with INVALID_INPUT, never wrapped or written with 5 digits.",
    [["ISO 8601-1:2019", "§5.2.2.1 (calendar date, 4-digit year)"]],
    ["core/IsoDate"]
  ),
  // Retention
  rule(
    "RETENTION-CARD",
    "A card token is retained for 14 months after the end of the card's expiry month.",
    [[ACI, "Token extension (expiry 1-Feb-Y1 → deleted 1-Apr-Y2)"], [ACI_RETENTION, "Card token data (Dec-Y1 → 1-Mar-Y3)"]],
    ["core/Retention.retainUntil"]
  ),
  rule(
    "RETENTION-NON-CARD",
    "A non-card token is retained for 14 months after its last transaction, or after creation if never used; every transaction moves the date.",
    [[ACI, "Token extension"], [ACI_RETENTION, "Non-card token data"]],
    ["core/Retention.retainUntil", "vault/Vault.authorizeUse"]
  ),
  rule(
    "RETENTION-EXTEND",
    "Extension takes no parameters, is idempotent, and makes the retention period 24 months instead of 14.",
    [[ACI, "Token extension (up to 24 months)"]],
    ["core/Retention.retainUntil", "vault/Vault.extendRetention"]
  ),
  rule(
    "RETENTION-PURGE",
    "A token past its retention date is unusable (100.150.206) and is purged by the sweep; its value stays reserved.",
    [[ACI_RESULTS, "100.150.206 registration retention period expired"], [PCI, "Req 3.2.1"]],
    ["core/Retention.isRetained", "core/PaymentUse.authorize", "vault/Vault.sweep"],
    ["100.150.206"]
  ),
  // Status
  rule(
    "STATUS-TRANSITIONS",
    "ACTIVE ⇄ SUSPENDED; ACTIVE or SUSPENDED → DELETED; DELETED is terminal.",
    [[ALLIANCE_STATUS, "Transition rules"]],
    ["core/TokenStatus.transition"]
  ),
  rule("STATUS-DELETE-TWICE", "Deleting a deleted token fails with 100.350.303.", [[
    ACI_RESULTS,
    "100.350.303 cannot deregister (DR) unregistered account"
  ]], ["core/TokenStatus.transition"], ["100.350.303"]),
  rule(
    "DELETE-IRREVERSIBLE",
    "Deletion destroys the encrypted card data at once; the token value stays reserved and is never issued again; a later use fails with 100.150.202.",
    [[ACI, "Token deletion"], [ACI_RESULTS, "100.150.202 registration is already deregistered"], [PCI, "Req 3.2.1"]],
    ["vault/Vault.deleteToken"],
    ["100.150.202"]
  ),
  // Use for payment
  rule(
    "USE-ACTIVE",
    "A token can be used for payment only while ACTIVE.",
    [[ALLIANCE_STATUS, "SUSPENDED = temporary blocking"], [ACI_RESULTS, "100.150.202"]],
    ["core/PaymentUse.authorize"],
    ["100.150.202"]
  ),
  rule("USE-CARD-NOT-EXPIRED", "A card token cannot be used once its card has expired.", [[
    AXERVE_ERRORS,
    "1164 Expired Token"
  ]], ["core/PaymentUse.authorize"], ["1164"]),
  rule(
    "COF-MIT-AGREEMENT",
    "A MIT REPEATED use needs an agreement of the same type set up by an earlier CIT INITIAL use, and carries its initial transaction id.",
    [[ACI, "Payment with token (CIT/MIT)"], [ACI_COF, "standingInstruction"]],
    ["core/PaymentUse.authorize"],
    ["100.150.300"]
  ),
  rule("COF-COMBINATION", "A MIT use is always REPEATED; one-click is CIT UNSCHEDULED.", [[ACI, "One-click payment"], [
    ACI_COF,
    "standingInstruction.source/mode/type"
  ]], ["core/PaymentUse.authorize"]),
  // Tokenization during payment
  rule(
    "TOKENIZE-ON-PAYMENT",
    "createRegistration=true or a requestToken makes a token once the payment is authorized or verified (zero amount); a declined payment makes none.",
    [[ACI, "Tokenization during payment"], [AXERVE, "Token generation during payments"]],
    ["core/PaymentTokenization.decide"]
  ),
  rule("TOKENIZE-FORCED", ":FORCED: makes the token even when the payment is not authorized.", [[
    AXERVE,
    ":FORCED:MASKEDPAN"
  ]], ["core/PaymentTokenization.decide"]),
  // Groups and access
  rule(
    "GROUP-ACCESS",
    "Merchants in a group use, update and delete each other's group tokens; a merchant outside a token's scope gets the same error as for a token that does not exist.",
    [[AXERVE, "Sharing tokens"], [PCI, "Req 7.2.1"]],
    ["core/Group.canAccess"],
    ["100.150.200", "1165"]
  ),
  rule(
    "GROUP-MEMBERSHIP",
    "Joining a group brings the merchant's previous tokens or not; leaving takes the merchant's tokens or leaves them with the group.",
    [[AXERVE, "Sharing tokens"]],
    ["core/Group.join", "core/Group.leave"]
  ),
  rule("TOKENIZATION-ENABLED", "Tokenization is a feature enabled per merchant; a merchant without it gets a typed error.", [[
    AXERVE,
    "Tokenization feature is not automatically available"
  ]], ["core/Merchant.requireTokenization"]),
  // Vault-level rules
  rule(
    "IDEMPOTENCY",
    "The same merchantRequestId with the same payload returns the same token; with a different payload it is a conflict.",
    [[ALLIANCE, "merchantRequestId (unique identifier generated by the merchant's system)"]],
    ["vault/Vault.tokenize"]
  ),
  rule(
    "DUPLICATE-CARD",
    "The same card for the same customer and merchant scope returns the existing ACTIVE token; a later expiry updates it.",
    [["hyperswitch-card-vault", "duplication_check"], [AXERVE_WS, "CallUpdateTokenS2S"]],
    ["vault/Vault.tokenize"]
  ),
  rule(
    "INPUT-TYPED",
    "Every core function answers a value of the wrong runtime type with a typed INVALID_INPUT error (a failed Result, or a thrown TokenError where it returns no Result) that does not repeat the value; never another exception, a hang or a guessed answer.",
    [[PCI, "Req 6.2.4 (attacks on data and data structures)"]],
    ["core/TokenError.make", "core/Pan.reveal", "core/IsoDate", "core/Group", "core/Mask"]
  ),
  rule("NO-PAN-LEAK", "No card number appears in any response, error, log, JSON, inspect output or stored byte.", [[
    PCI,
    "Req 3.4.1, 3.5.1"
  ]], ["core/Pan.Pan", "vault/Plaintext.Plaintext", "vault/Vault"]),
  rule("FINGERPRINT-KEYED", "Card fingerprints are keyed HMACs under their own key, never a plain hash.", [[
    PCI,
    "Req 3.5.1.1"
  ]], ["vault/NodeCardCrypto"]),
  rule(
    "AEAD-BOUND",
    "Card data is encrypted with an AEAD bound by associated data to the token and its owner; a ciphertext moved to another record fails.",
    [[PCI, "Req 3.5.1, 3.6.1"]],
    ["vault/NodeCardCrypto"]
  ),
  rule("KEY-RETIRED-NEVER-ENCRYPTS", "Retired (decrypt-only or destroyed) key versions never encrypt.", [[PCI, "Req 3.7.5"]], [
    "vault/Keyring"
  ]),
  rule("KEY-ROTATION-LIMIT", "A data key is rotated before 2^32 AES-GCM encryptions.", [[
    "NIST SP 800-38D",
    "§8.3 (invocation limit for random IVs)"
  ]], ["vault/Keyring"]),
  rule(
    "KEY-MIN-DECRYPTION",
    "minDecryptionVersion can be raised only once no record uses an older version.",
    [["HashiCorp Vault transit", "min_decryption_version"], [PCI, "Req 3.7.5"]],
    ["vault/Keyring"]
  ),
  rule(
    "JWE-ALGORITHMS",
    "Encrypted card data is a compact JWE with alg ECDH-ES+A256KW and enc A256GCM on P-384; anything else is refused without an oracle.",
    [[ALLIANCE, "encryptedCardNumber / encryptedExpDate"], [ALLIANCE_CRYPTO, "paymentPublicKey"], ["RFC 7518", "§4.6, §5.3"]],
    ["vault/Jwe"]
  )
]

/**
 * A rule ID of the registry.
 *
 * @category models
 * @since 0.1.0
 */
export type RuleId = string

/**
 * Finds a rule by ID.
 *
 * @category getters
 * @since 0.1.0
 */
export const get = (id: RuleId): Rule | undefined => all.find((r) => r.id === id)
