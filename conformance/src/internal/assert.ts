/**
 * The kit's assertions: structural equality on a canonical JSON form, with
 * messages that show what differed. They throw {@link Mismatch}, which may
 * name the rules the broken obligation belongs to, so a report can blame the
 * right rule when one property checks several.
 */

/**
 * Masks runs of 12 or more digits (spaces and dashes allowed between them),
 * so the kit's own messages never print a card number, even a canary the
 * system under test echoed back.
 */
export const redact = (text: string): string =>
  text.replace(/\d(?:[ -]?\d){11,}/g, (run) => `[${run.replace(/\D/g, "").length} digits …${run.replace(/\D/g, "").slice(-4)}]`)

/** A broken obligation, found by a command or a property. */
export class Mismatch extends Error {
  override readonly name = "ConformanceMismatch"
  readonly rules: ReadonlyArray<string> | undefined
  constructor(message: string, rules?: ReadonlyArray<string>) {
    super(redact(rules === undefined || rules.length === 0 ? message : `[${rules.join("] [")}] ${message}`))
    this.rules = rules
  }
}

const sortKeys = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.map(sortKeys)
  if (typeof u === "object" && u !== null) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(u).sort()) {
      const v = (u as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return u
}

/** JSON with sorted keys; `undefined` fields are dropped, so absent and undefined compare equal. */
export const canonical = (u: unknown): string => JSON.stringify(sortKeys(u)) ?? "undefined"

/** Throws unless `actual` and `expected` have the same canonical form. */
export const equal = (actual: unknown, expected: unknown, what: string, rules?: ReadonlyArray<string>): void => {
  const a = canonical(actual)
  const e = canonical(expected)
  if (a !== e) throw new Mismatch(`${what}: expected ${e}, got ${a}`, rules)
}

/** Throws unless the two lists hold the same items in any order. */
export const sameItems = (
  actual: ReadonlyArray<unknown>,
  expected: ReadonlyArray<unknown>,
  what: string,
  rules?: ReadonlyArray<string>
): void => {
  const a = actual.map(canonical).sort()
  const e = expected.map(canonical).sort()
  if (a.join("\n") !== e.join("\n")) throw new Mismatch(`${what}: expected [${e.join(", ")}], got [${a.join(", ")}]`, rules)
}
