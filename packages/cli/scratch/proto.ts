import { Effect, FileSystem, Layer, Path, Stdio, Terminal, Sink, Stream, Exit, Cause } from "effect"
import { Argument, Command, Flag, CliOutput, CliError } from "effect/cli"
import { ChildProcessSpawner } from "effect/process"

const platform = Layer.mergeAll(
  FileSystem.layerNoop({}),
  Path.layer,
  Stdio.layerTest({ args: Effect.succeed(process.argv.slice(2)) }),
  Layer.succeed(Terminal.Terminal, Terminal.make({
    columns: Effect.succeed(80), rows: Effect.succeed(24), size: Effect.die("unused"),
    readInput: Effect.die("unused"), readLine: Effect.die("unused"), display: () => Effect.void
  })),
  Layer.succeed(ChildProcessSpawner.ChildProcessSpawner, ChildProcessSpawner.make(() => Effect.die("unused")))
)
const root = Command.make("tokenvault").pipe(Command.withSharedFlags({
  vault: Flag.String("vault").pipe(Flag.optional),
  json: Flag.Boolean("json").pipe(Flag.withDefault(false)),
  now: Flag.String("now").pipe(Flag.optional)
}))
const tok = Command.make("tokenize", { merchant: Flag.String("merchant"), customer: Flag.String("customer").pipe(Flag.optional) }, (c) => Effect.gen(function*() {
  const r = yield* root
  console.log("tokenize", JSON.stringify(c), JSON.stringify(r))
}))
const show = Command.make("show", { token: Argument.String("token"), merchant: Flag.String("merchant") }, (c) => Effect.gen(function*() {
  const r = yield* root
  console.log("show", JSON.stringify(c), JSON.stringify(r))
}))
const add = Command.make("add", { id: Argument.String("merchantId"), prefix: Flag.String("prefix").pipe(Flag.optional) }, (c) => Effect.gen(function*() {
  const r = yield* root
  console.log("madd", JSON.stringify(c), JSON.stringify(r))
}))
const merchant = Command.make("merchant").pipe(Command.withSubcommands([add]))
const app = root.pipe(Command.withSubcommands([tok, show, merchant]))
const presenter = CliOutput.layerPresenter({ present: (e) => Effect.sync(() => console.error("PRESENT", e._tag, (e as any).errors?.map((x: any) => x._tag + ":" + x.message))) })
const exit = await Effect.runPromiseExit(Command.runWith(app, { version: "0.1.0" })(process.argv.slice(2)).pipe(Effect.provide(Layer.merge(platform, presenter))))
console.log("EXIT", Exit.isSuccess(exit) ? "ok" : Cause.pretty(exit.cause).slice(0, 300))
