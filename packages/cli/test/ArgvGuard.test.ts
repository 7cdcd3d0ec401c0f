import { TokenError } from "@tokenvault/core"
import { TokenStore } from "@tokenvault/vault"
import { CliError } from "effect/cli"
import { describe, expect, it } from "vitest"
import * as ArgvGuard from "../src/ArgvGuard.ts"
import * as Cli from "../src/Cli.ts"
import * as CliFailure from "../src/CliFailure.ts"

describe("ArgvGuard", () => {
  it("[NO-PAN-LEAK] finds card-number-like arguments, however they are written", () => {
    for (
      const arg of [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "--customer=5555555555554444",
        "pan:378282246310005",
        "123456789012",
        "1234567890123456789"
      ]
    ) {
      expect(ArgvGuard.isPanLike(arg), arg).toBe(true)
    }
    expect(ArgvGuard.findPanLike(["tokenize", "--merchant", "m1", "--customer", "4111111111111111"])).toBe(4)
  })

  it("[NO-PAN-LEAK] leaves ordinary arguments alone", () => {
    for (
      const arg of [
        "2030-01-31T12:00:00Z",
        "2026-01-15",
        "12/30",
        "12345678901",
        "12345678901234567890",
        "9f2c4e1b0a7d3c5e8f9a1b2c3d4e5f60",
        "SHOPMY_TOKEN_01",
        "qKncJN7TQebe3EPEm8N1yA",
        "--runs",
        "42"
      ]
    ) {
      expect(ArgvGuard.isPanLike(arg), arg).toBe(false)
    }
    expect(ArgvGuard.findPanLike(["list", "--merchant", "m1"])).toBeUndefined()
  })
})

describe("Cli.parseNow", () => {
  it("accepts ISO-8601 dates and date-times; a bare date is midnight UTC", () => {
    expect(Cli.parseNow("2030-01-31")).toBe(Date.UTC(2030, 0, 31))
    expect(Cli.parseNow("2030-01-31T12:00:00Z")).toBe(Date.UTC(2030, 0, 31, 12))
    expect(Cli.parseNow("2030-01-31T12:00")).toBe(Date.UTC(2030, 0, 31, 12))
    expect(Cli.parseNow("2030-01-31T12:00:00+02:00")).toBe(Date.UTC(2030, 0, 31, 10))
  })

  it("refuses anything else", () => {
    for (const text of ["yesterday", "1900000000000", "2030-13-45", "31/01/2030", ""]) {
      expect(Cli.parseNow(text), text).toBeUndefined()
    }
  })
})

describe("CliFailure.toFailure", () => {
  it("[STATUS-DELETE-TWICE] maps a rule rejection to exit 1 with its gateway code", () => {
    expect(CliFailure.toFailure(TokenError.make("TOKEN_ALREADY_DELETED"))).toEqual({
      code: "TOKEN_ALREADY_DELETED",
      gatewayCode: "100.350.303",
      message: TokenError.catalogue.TOKEN_ALREADY_DELETED.description,
      exitCode: 1
    })
    expect(CliFailure.toFailure(TokenError.make("MERCHANT_UNKNOWN")).gatewayCode).toBeNull()
  })

  it("maps parser errors to USAGE with exit 2, and store errors to exit 1", () => {
    const usage = CliFailure.toFailure(new CliError.MissingOption({ option: "merchant" }))
    expect(usage).toMatchObject({ code: "USAGE", gatewayCode: null, exitCode: 2 })
    expect(CliFailure.toFailure(TokenStore.errors.locked())).toMatchObject({ code: "STORE_LOCKED", exitCode: 1 })
    expect(CliFailure.toFailure(new Error("boom"))).toMatchObject({ code: "INTERNAL", exitCode: 70 })
  })

  it("[NO-PAN-LEAK] redacts card-number-like digits from any message", () => {
    const f = CliFailure.toFailure(new Error("bad input 4111111111111111"))
    expect(f.message).not.toContain("4111111111111111")
    expect(f.message).toContain("[redacted]")
  })
})
