/**
 * Human output: aligned tables and key/value blocks, with ANSI colours when
 * the target stream is a terminal (and `NO_COLOR` is not set).
 *
 * @since 0.1.0
 */

/**
 * A colour palette; all identity functions when colours are off.
 *
 * @category models
 * @since 0.1.0
 */
export interface Palette {
  readonly bold: (s: string) => string
  readonly dim: (s: string) => string
  readonly red: (s: string) => string
  readonly green: (s: string) => string
  readonly yellow: (s: string) => string
  readonly cyan: (s: string) => string
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`

/**
 * The palette for a stream.
 *
 * @category constructors
 * @since 0.1.0
 */
export const palette = (colour: boolean): Palette =>
  colour
    ? { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) }
    : { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id }

const id = (s: string) => s

/**
 * Whether colours should be used on a stream.
 *
 * @category predicates
 * @since 0.1.0
 */
export const useColour = (stream: NodeJS.WriteStream): boolean => {
  const env = process.env
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false
  if (env["TERM"] === "dumb") return false
  const force = env["FORCE_COLOR"]
  if (force !== undefined && force !== "" && force !== "0" && force.toLowerCase() !== "false") return true
  return stream.isTTY === true
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

const width = (s: string): number => s.replace(ANSI, "").length

const pad = (s: string, n: number): string => s + " ".repeat(Math.max(0, n - width(s)))

/**
 * A printable cell for any value.
 *
 * @category encoding
 * @since 0.1.0
 */
export const cell = (u: unknown): string =>
  u === null || u === undefined
    ? "-"
    : typeof u === "number" && !Number.isInteger(u)
    ? u.toFixed(1)
    : typeof u === "object"
    ? JSON.stringify(u)
    : String(u)

/**
 * Colours a token status.
 *
 * @category encoding
 * @since 0.1.0
 */
export const status = (p: Palette, s: string): string =>
  s === "ACTIVE" ? p.green(s) : s === "SUSPENDED" ? p.yellow(s) : s === "DELETED" ? p.red(s) : s

/**
 * A column table with a bold header.
 *
 * @category encoding
 * @since 0.1.0
 */
export const table = (
  p: Palette,
  columns: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): string => {
  const widths = columns.map((c, i) => Math.max(width(c), ...rows.map((r) => width(r[i] ?? ""))))
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => pad(c, widths[i] ?? 0)).join("  ").trimEnd()
  return [p.bold(line(columns)), ...rows.map(line)].join("\n")
}

/**
 * A key/value block: one aligned `key  value` line per entry.
 *
 * @category encoding
 * @since 0.1.0
 */
export const keyValue = (p: Palette, entries: ReadonlyArray<readonly [string, string]>): string => {
  const w = Math.max(0, ...entries.map(([k]) => k.length))
  return entries.map(([k, v]) => `${p.dim(pad(k, w))}  ${v}`).join("\n")
}
