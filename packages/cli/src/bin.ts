#!/usr/bin/env node
/**
 * The `tokenvault` executable: runs {@link Cli.main} on the process's
 * arguments and exits with its code.
 *
 * @since 0.1.0
 */
import * as Cli from "./Cli.ts"

process.exitCode = await Cli.main(process.argv.slice(2))
