/**
 * A progress bar on stderr, drawn only when stderr is a terminal. With a
 * known total it shows a bar and a percentage; without one, a running count.
 * Redraws are throttled; `done` clears the line.
 *
 * @since 0.1.0
 */

/**
 * A progress reporter.
 *
 * @category models
 * @since 0.1.0
 */
export interface Progress {
  readonly update: (done: number, total?: number | undefined, detail?: string | undefined) => void
  readonly done: () => void
}

const noop: Progress = { update: () => {}, done: () => {} }

/**
 * A progress bar labelled `label`, or a no-op when stderr is not a TTY.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (label: string, stream: NodeJS.WriteStream = process.stderr): Progress => {
  if (stream.isTTY !== true) return noop
  let last = 0
  let drawn = false
  let knownTotal: number | undefined
  const draw = (done: number, total: number | undefined, detail: string | undefined) => {
    const columns = stream.columns ?? 80
    const tail = detail === undefined ? "" : ` ${detail}`
    let text: string
    if (total !== undefined && total > 0) {
      const ratio = Math.max(0, Math.min(1, done / total))
      const barWidth = Math.max(10, Math.min(40, columns - label.length - tail.length - 20))
      const filled = Math.round(ratio * barWidth)
      text = `${label} [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${
        String(Math.floor(ratio * 100)).padStart(3)
      }% ${done}/${total}${tail}`
    } else if (done === 0 && detail === undefined) {
      text = `${label}…`
    } else {
      text = `${label} ${done}${tail}`
    }
    stream.write(`\r\u001b[2K${text.slice(0, columns - 1)}`)
    drawn = true
  }
  return {
    update: (done, total, detail) => {
      if (total !== undefined) knownTotal = total
      const now = Date.now()
      if (now - last < 50 && (knownTotal === undefined || done < knownTotal)) return
      last = now
      draw(done, knownTotal, detail)
    },
    done: () => {
      if (drawn) stream.write("\r\u001b[2K")
    }
  }
}
