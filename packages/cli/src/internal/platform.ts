/**
 * The services `effect/cli` needs to run (`FileSystem | Path | Terminal |
 * ChildProcessSpawner | Stdio`), built on Node 20's own `process` without
 * `@effect/platform-node` (which needs Node ≥ 22.19).
 *
 * The CLI never reads files or spawns processes through these services, so
 * the file system is a no-op and the spawner dies; `Stdio` and `Terminal` are
 * real, over `process.stdin`, `process.stdout` and `process.stderr`.
 *
 * @since 0.1.0
 */
import { Effect, FileSystem, Layer, Path, PlatformError, Sink, Stdio, Stream, Terminal } from "effect"
import { ChildProcessSpawner } from "effect/process"

const writeTo = (stream: NodeJS.WriteStream) => () =>
  Sink.forEach((chunk: string | Uint8Array) =>
    Effect.callback<void>((resume) => {
      stream.write(chunk, () => resume(Effect.void))
    })
  )

const stdio: Stdio.Stdio = Stdio.make({
  args: Effect.sync(() => process.argv.slice(2)),
  stdinIsTerminal: Effect.sync(() => process.stdin.isTTY === true),
  stdoutIsTerminal: Effect.sync(() => process.stdout.isTTY === true),
  stderrIsTerminal: Effect.sync(() => process.stderr.isTTY === true),
  stdout: writeTo(process.stdout),
  stderr: writeTo(process.stderr),
  stdin: Stream.fromAsyncIterable(
    process.stdin as AsyncIterable<Uint8Array>,
    (cause) => PlatformError.systemError({ _tag: "Unknown", module: "Stdio", method: "stdin", cause })
  )
})

const terminal: Terminal.Terminal = Terminal.make({
  columns: Effect.sync(() => process.stdout.columns ?? 80),
  rows: Effect.sync(() => process.stdout.rows ?? 24),
  size: Effect.die("tokenvault: terminal size events are not supported"),
  readInput: Effect.die("tokenvault: interactive input is not supported"),
  readLine: Effect.die("tokenvault: interactive input is not supported"),
  display: (text) => Effect.sync(() => void process.stdout.write(text))
})

/**
 * The platform layer for `Command.run`.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<
  FileSystem.FileSystem | Path.Path | Terminal.Terminal | ChildProcessSpawner.ChildProcessSpawner | Stdio.Stdio
> = Layer.mergeAll(
  FileSystem.layerNoop({}),
  Path.layer,
  Layer.succeed(Stdio.Stdio, stdio),
  Layer.succeed(Terminal.Terminal, terminal),
  Layer.succeed(
    ChildProcessSpawner.ChildProcessSpawner,
    ChildProcessSpawner.make(() => Effect.die("tokenvault: spawning processes is not supported"))
  )
)
