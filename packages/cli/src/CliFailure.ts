/**
 * The command line's one error shape and its exit codes.
 *
 * Every failure a command can end with — a vault rule rejection
 * ({@link TokenError.TokenError}), a store or crypto port error, a usage
 * error from the parser or from the CLI's own checks, a vault directory that
 * is missing or already exists — is normalized to a {@link Failure}: a stable
 * `code`, the gateway's code (or `null`), a message without card data, and
 * the exit code.
 *
 * | exit | when |
 * |---|---|
 * | `0` | success |
 * | `1` | a rule rejection or any other typed failure (store, keys, vault directory, failed conformance) |
 * | `2` | usage: unknown command or flag, missing or invalid value, a card number in argv |
 * | `70` | an unexpected defect (a bug) |
 *
 * With `--json` the failure is printed on stderr as
 * `{"error": {"code", "gatewayCode", "message"}}`.
 *
 * @since 0.1.0
 */
import { TokenError } from "@tokenvault/core"
import { CardCrypto, TokenStore } from "@tokenvault/vault"
import * as KeyFile from "@tokenvault/vault/KeyFile"
import { Schema } from "effect"
import { CliError } from "effect/cli"
import { redact } from "./internal/redact.ts"

/**
 * Exit codes.
 *
 * @category models
 * @since 0.1.0
 */
export const ExitCode = {
  ok: 0,
  rejected: 1,
  usage: 2,
  defect: 70
} as const

/**
 * A failure raised by the CLI itself (not by the vault): usage errors, vault
 * directory errors, unavailable features.
 *
 * @category errors
 * @since 0.1.0
 */
export class CliFailure extends Schema.TaggedError<CliFailure>()("CliFailure", {
  code: Schema.String,
  gatewayCode: Schema.optional(Schema.String),
  message: Schema.String,
  exitCode: Schema.Number
}) {}

/**
 * A usage error (exit 2).
 *
 * @category constructors
 * @since 0.1.0
 */
export const usage = (message: string): CliFailure => new CliFailure({ code: "USAGE", message, exitCode: ExitCode.usage })

/**
 * A typed failure of the CLI's own (exit 1), e.g. `VAULT_EXISTS`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const rejected = (code: string, message: string): CliFailure =>
  new CliFailure({ code, message, exitCode: ExitCode.rejected })

/**
 * A failure as printed: `{ code, gatewayCode, message }` and the exit code.
 *
 * @category models
 * @since 0.1.0
 */
export interface Failure {
  /** The stable code: a `TokenError` code, or the CLI's own (`USAGE`, `STORE_CORRUPT`, …). */
  readonly code: string
  /** The gateway's code for a rule rejection, else `null`. */
  readonly gatewayCode: string | null
  /** A message for people, never containing card data; do not match on it. */
  readonly message: string
  /** The process exit code (see {@link ExitCode}). */
  readonly exitCode: number
}

const cliErrorMessage = (e: CliError.CliError): string => {
  if (e._tag === "ShowHelp") return e.errors.map(cliErrorMessage).join("; ") || "A subcommand is required; see --help."
  if (e._tag === "InvalidValue") {
    const expected = e.expected.replace(/^expected\s+/i, "").replace(/\.$/, "")
    return `Invalid value for ${e.kind === "flag" ? "--" : ""}${e.option}: expected ${expected}.`
  }
  return e.message
}

/**
 * Normalizes anything a command failed with to a {@link Failure}. Messages go
 * through a redaction pass that masks any card-number-like run of digits.
 *
 * @category constructors
 * @since 0.1.0
 */
export const toFailure = (u: unknown): Failure => {
  const f = classify(u)
  return { ...f, message: redact(f.message) }
}

const classify = (u: unknown): Failure => {
  if (TokenError.isTokenError(u)) {
    return { code: u.code, gatewayCode: u.gatewayCode ?? null, message: u.message, exitCode: ExitCode.rejected }
  }
  if (u instanceof CliFailure) return { code: u.code, gatewayCode: u.gatewayCode ?? null, message: u.message, exitCode: u.exitCode }
  if (CliError.isCliError(u)) return { code: "USAGE", gatewayCode: null, message: cliErrorMessage(u), exitCode: ExitCode.usage }
  if (u instanceof TokenStore.TokenStoreError) {
    const reason = u.reason
    switch (reason._tag) {
      case "Locked":
        return {
          code: "STORE_LOCKED",
          gatewayCode: null,
          message: "Another process holds the vault's store lock.",
          exitCode: ExitCode.rejected
        }
      case "Corrupt":
        return { code: "STORE_CORRUPT", gatewayCode: null, message: `The store failed an integrity check: ${reason.detail}`, exitCode: 1 }
      case "Unavailable":
        return { code: "STORE_UNAVAILABLE", gatewayCode: null, message: `The token store is unavailable: ${reason.detail}`, exitCode: 1 }
      case "Conflict":
        return { code: "STORE_CONFLICT", gatewayCode: null, message: "The record changed concurrently; retry.", exitCode: 1 }
      default:
        return { code: "STORE_UNAVAILABLE", gatewayCode: null, message: `The token store refused the operation (${reason._tag}).`, exitCode: 1 }
    }
  }
  if (u instanceof KeyFile.KeyFileError) {
    const reason = u.reason
    const code = `KEY_FILE_${reason._tag.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}`
    const detail = "detail" in reason ? `: ${reason.detail}` : ""
    const messages: Record<string, string> = {
      Corrupt: "The key file is corrupt",
      UnsupportedVersion: "The key file was written by a newer version",
      WrongKek: "TOKENVAULT_KEK is not the key the key file was protected with",
      KekRequired: "The key file is protected: set TOKENVAULT_KEK",
      KekInvalid: "TOKENVAULT_KEK must be 32 bytes of base64url",
      Insecure: "The key file is readable by other users",
      Io: "The key file could not be read or written"
    }
    return { code, gatewayCode: null, message: `${messages[reason._tag] ?? "Key file error"}${detail}.`, exitCode: ExitCode.rejected }
  }
  if (u instanceof CardCrypto.CardCryptoError) {
    return { code: "CRYPTO_FAILURE", gatewayCode: null, message: TokenError.catalogue.CRYPTO_FAILURE.description, exitCode: 1 }
  }
  if (typeof u === "object" && u !== null && "_tag" in u && typeof u._tag === "string") {
    const e = u as { readonly _tag: string; readonly code?: unknown; readonly gatewayCode?: unknown; readonly message?: unknown }
    if (typeof e.code === "string") {
      return {
        code: e.code,
        gatewayCode: typeof e.gatewayCode === "string" ? e.gatewayCode : null,
        message: typeof e.message === "string" && e.message !== "" ? e.message : e.code,
        exitCode: ExitCode.rejected
      }
    }
  }
  const message = u instanceof Error ? `${u.name}: ${u.message}` : String(u)
  return { code: "INTERNAL", gatewayCode: null, message: `Unexpected error. ${message}`, exitCode: ExitCode.defect }
}
