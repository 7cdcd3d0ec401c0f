/**
 * Reads a secret (a card number) from standard input: the first line, with
 * surrounding whitespace removed. From a pipe it reads to the end; from a
 * terminal it prompts on stderr and reads one line without echoing it. The
 * value is returned `Redacted` and never printed.
 *
 * @since 0.1.0
 */
import { Effect, Redacted } from "effect"

const MAX_BYTES = 4096

const firstLine = (text: string): string => (text.split(/\r?\n/, 1)[0] ?? "").trim()

const fromPipe = (stdin: NodeJS.ReadStream): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const onData = (chunk: Buffer | string) => {
      const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk
      size += b.length
      chunks.push(b)
      if (size > MAX_BYTES) {
        cleanup()
        stdin.pause()
        resolve(Buffer.concat(chunks).toString("utf8"))
      }
    }
    const onEnd = () => {
      cleanup()
      resolve(Buffer.concat(chunks).toString("utf8"))
    }
    const onError = (e: unknown) => {
      cleanup()
      reject(e)
    }
    const cleanup = () => {
      stdin.off("data", onData)
      stdin.off("end", onEnd)
      stdin.off("error", onError)
    }
    stdin.on("data", onData)
    stdin.on("end", onEnd)
    stdin.on("error", onError)
    stdin.resume()
  })

const fromTerminal = (stdin: NodeJS.ReadStream, prompt: string): Promise<string> =>
  new Promise((resolve) => {
    process.stderr.write(prompt)
    let value = ""
    stdin.setRawMode(true)
    stdin.setEncoding("utf8")
    const finish = () => {
      stdin.off("data", onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write("\n")
      resolve(value)
    }
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return finish()
        if (ch === "\u0003") {
          value = ""
          return finish()
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1)
        else if (value.length < MAX_BYTES) value += ch
      }
    }
    stdin.on("data", onData)
    stdin.resume()
  })

/**
 * Reads the secret; `undefined` when standard input is empty.
 *
 * @category decoding
 * @since 0.1.0
 */
export const readSecret = (prompt: string): Effect.Effect<Redacted.Redacted<string> | undefined> =>
  Effect.promise(async () => {
    const stdin = process.stdin
    const raw = stdin.isTTY === true ? await fromTerminal(stdin, prompt) : await fromPipe(stdin)
    const line = firstLine(raw)
    return line === "" ? undefined : Redacted.make(line)
  })
