/**
 * Canary card numbers and the scan that finds them (NO-PAN-LEAK). A canary
 * is a synthetic PAN the kit feeds the system; afterwards every output and
 * every error is searched for it in each form a leak takes: plain digits,
 * digits in groups of four separated by spaces or dashes, hex of its ASCII
 * (digits only, so case does not matter), and base64 of its ASCII at each of the three byte
 * alignments (so a PAN embedded in a longer encoded string is found too).
 *
 * Adapters can use {@link scan} on their own artefacts (journal files, logs).
 *
 * @since 0.1.0
 */

/**
 * One encoded form of a canary.
 *
 * @category models
 * @since 0.1.0
 */
export interface Form {
  readonly name: "digits" | "spaced" | "dashed" | "hex" | "base64"
  readonly text: string
}

/**
 * A hit: which canary (by its last 4 digits only) in which form.
 *
 * @category models
 * @since 0.1.0
 */
export interface Hit {
  readonly last4: string
  readonly form: Form["name"]
}

const groups = (digits: string, sep: string): string => digits.replace(/(\d{4})(?=\d)/g, `$1${sep}`)

const hex = (ascii: string): string => Array.from(ascii, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("")

const base64Inner = (ascii: string, offset: number): string => {
  const encoded = btoa("\u0000".repeat(offset) + ascii)
  const start = offset === 0 ? 0 : 4
  const end = Math.floor((offset + ascii.length) / 3) * 4
  return encoded.slice(start, end)
}

/**
 * Every form of a canary PAN the scan looks for.
 *
 * @category constructors
 * @since 0.1.0
 */
export const forms = (pan: string): ReadonlyArray<Form> => [
  { name: "digits", text: pan },
  { name: "spaced", text: groups(pan, " ") },
  { name: "dashed", text: groups(pan, "-") },
  { name: "hex", text: hex(pan) },
  ...[0, 1, 2].map((offset): Form => ({ name: "base64", text: base64Inner(pan, offset) }))
]

/**
 * The hits of the canaries in a text.
 *
 * @category predicates
 * @since 0.1.0
 */
export const scan = (text: string, canaries: ReadonlyArray<string>): ReadonlyArray<Hit> => {
  const hits: Array<Hit> = []
  for (const pan of canaries) {
    for (const form of forms(pan)) {
      if (form.text.length >= 8 && text.includes(form.text)) hits.push({ last4: pan.slice(-4), form: form.name })
    }
  }
  return hits
}

const safeJson = (u: unknown): string => {
  try {
    return JSON.stringify(u) ?? ""
  } catch {
    return ""
  }
}

/**
 * The texts a value or error shows the world: `JSON.stringify`, `String()`,
 * and for errors the message, the stack and the `cause` chain.
 *
 * @category getters
 * @since 0.1.0
 */
export const renderings = (u: unknown): ReadonlyArray<readonly [where: string, text: string]> => {
  const out: Array<readonly [string, string]> = [["JSON.stringify", safeJson(u)]]
  let s = ""
  try {
    s = String(u)
  } catch {
    s = ""
  }
  out.push(["String()", s])
  let e: unknown = u
  for (let depth = 0; depth < 5 && typeof e === "object" && e !== null; depth++) {
    const err = e as { readonly message?: unknown; readonly stack?: unknown; readonly cause?: unknown }
    const at = depth === 0 ? "" : ` (cause ${depth})`
    if (typeof err.message === "string") out.push([`message${at}`, err.message])
    if (typeof err.stack === "string") out.push([`stack${at}`, err.stack])
    if (depth > 0) out.push([`JSON.stringify${at}`, safeJson(e)])
    e = err.cause
  }
  return out
}

/**
 * The hits of the canaries anywhere a value or error shows, with where.
 *
 * @category predicates
 * @since 0.1.0
 */
export const scanValue = (
  u: unknown,
  canaries: ReadonlyArray<string>
): ReadonlyArray<Hit & { readonly where: string }> =>
  renderings(u).flatMap(([where, text]) => scan(text, canaries).map((hit) => ({ ...hit, where })))
