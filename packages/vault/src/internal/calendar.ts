/**
 * The vault's view of the clock on its hot paths. The `DateTime` of an
 * instant (and its ISO text) is made once per distinct instant, and the UTC
 * date once per UTC day, then answered by a range check: the same values the
 * core's functions give, without new objects on every call.
 *
 * @internal
 */
import { IsoDate } from "@tokenvault/core"
import { DateTime } from "effect"

const DAY = 86_400_000

export class Calendar {
  #ms = Number.NaN
  #now: DateTime.Utc | undefined
  #iso: string | undefined
  #from = 0
  #until = 0
  #date = "" as IsoDate.IsoDate

  /** The instant `ms` (epoch milliseconds) as a `DateTime`. */
  now(ms: number): DateTime.Utc {
    if (ms !== this.#ms || this.#now === undefined) {
      this.#now = DateTime.makeUnsafe(ms)
      this.#iso = undefined
      this.#ms = ms
    }
    return this.#now
  }

  /** `DateTime.formatIso` of the instant `ms`. */
  iso(ms: number): string {
    const now = this.now(ms)
    return this.#iso ??= DateTime.formatIso(now)
  }

  /** `IsoDate.fromDateTime` of the instant `ms`: its UTC calendar date. */
  dateOf(ms: number): IsoDate.IsoDate {
    if (ms >= this.#from && ms < this.#until) return this.#date
    this.#date = IsoDate.fromDateTime(this.now(ms))
    this.#from = Math.floor(ms / DAY) * DAY
    this.#until = this.#from + DAY
    return this.#date
  }
}
