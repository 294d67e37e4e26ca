#!/usr/bin/env node
// The `tollgate` bin: registers tsx so the TypeScript CLI runs without a build step.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// The embedded results store (PGlite) is PostgreSQL compiled to WebAssembly. A CLI process lives a
// second or so and runs a few small queries, so V8's optimizing tier would spend more CPU compiling
// PostgreSQL than the queries ever need: baseline (Liftoff) code only. `tollgate history` took
// 1.1 s of CPU, now 0.7 s; a bulk query runs about 1.4x slower (README, "Tests").
setFlagsFromString('--liftoff-only');
register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv);
