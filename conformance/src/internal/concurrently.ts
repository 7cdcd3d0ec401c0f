/**
 * Starting several callers at once. With a fast-check scheduler, each
 * caller waits at a scheduling point before it starts (and wherever else it
 * calls `pause`), and the scheduler decides the order in which they go on;
 * the trace of a failure shows that order. Without one, they run as the
 * event loop takes them.
 */
import type * as fc from "fast-check"

/** A caller: its label and its body, which may `pause` at further scheduling points. */
export type Caller<A> = readonly [label: string, body: (pause: (label: string) => Promise<void>) => Promise<A>]

/** Runs the callers concurrently; resolves with their results in order. */
export const concurrently = <A>(scheduler: fc.Scheduler | undefined, callers: ReadonlyArray<Caller<A>>): Promise<Array<A>> => {
  const pause = (label: string): Promise<void> => (scheduler === undefined ? Promise.resolve() : scheduler.schedule(Promise.resolve(), label))
  const all = Promise.all(callers.map(async ([label, body]) => {
    await pause(label)
    return body(pause)
  }))
  return scheduler === undefined ? all : scheduler.waitFor(all)
}
