/**
 * `npm run bench:forecast -- --data <dir> [--json] [--only <substring>]`
 *
 * Benchmarks our default forecaster and sizing against the seed's method and the baselines on
 * every CSV / query_range file under <dir> (format and step auto-detected). Prints one table per
 * series and capacity scenario and a summary, or with --json one JSON document. Progress goes
 * to stderr. A file that is not an export is listed as skipped, with its position and reason.
 *
 * Money (issue 17): every method is priced from its replica-hours × one pod's requests (`--pod-cpu`
 * vCPU, `--pod-memory-gib`; default the seed's API pod, 0.5 vCPU and 0.5 GiB) at on-demand prices
 * (`--price-cpu` per vCPU-hour, `--price-memory` per GiB-hour; default the stack config's
 * example prices, config/schema/cost.ts EXAMPLE_PRICES), and again with `--spot-share` (default 1) of the pods
 * above its floor on spot (`--spot-price-cpu`, `--spot-price-memory`; default 70 % off),
 * interrupted at `--spot-interruption-rate` per spot pod-hour (default 0.2 ÷ 730: 20 % a month)
 * with `--spot-notice` seconds of notice (default 120, AWS's), drawn from `--seed` (default 1).
 *
 * Exit codes (EXIT): 0 benchmarked; 2 usage (an unknown option, --data not a directory); 70
 * internal error (a bug).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { runBench } from "./forecast/bench";
import { DEFAULT_BENCH_PRICING, type BenchPricing } from "./forecast/benchPrice";
import { formatBench } from "./forecast/benchReport";
import { CliError, parseCommand, EXIT_INTERNAL, internalError, runMain, STDIO, type Io } from "./cli";

export const EXIT = { ok: 0, usage: 2, internal: EXIT_INTERNAL } as const;

/** The CLI; resolves to the exit code (EXIT). */
export function main(argv: string[], io: Io = STDIO): Promise<number> {
    const p = new Command()
        .name("bench:forecast")
        .requiredOption("--data <dir>", "directory of CSV / query_range JSON files")
        .option("--json", "print one JSON document", false)
        .option("--only <substring>", "only files whose path relative to --data contains this");
    for (const [flag, help] of PRICE_FLAGS) p.option(flag, help);
    const parsed = parseCommand(p, argv, io, EXIT.usage);
    if (parsed !== undefined) return Promise.resolve(parsed);
    const o = p.opts<{ data: string; json: boolean; only?: string } & Record<string, string | undefined>>();
    try {
        const pricing = pricingOf(o);
        const dir = path.resolve(o.data);
        if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
            throw new CliError(`--data ${o.data}: is not a directory (give the folder of CSV / query_range files)`, EXIT.usage);
        let last = 0;
        const progress = (msg: string) => {
            const now = Date.now();
            if (now - last > 2000 || msg.startsWith("speed")) {
                io.err(msg);
                last = now;
            }
        };
        const r = runBench(dir, progress, o.only ? (rel) => rel.includes(o.only!) : undefined, pricing);
        // The documented shape: the floor bound is a diagnostic of the Markdown summary only.
        const series = r.series.map(({ name, p99Pods, origins, methods }) => ({ name, p99Pods, origins, methods }));
        const { forecastMs, jsonParseMs, ratio } = r.speed;
        if (o.json) io.out(JSON.stringify({ series, speed: { forecastMs, jsonParseMs, ratio } }, null, 2));
        else io.out(formatBench(r));
        return Promise.resolve(EXIT.ok);
    } catch (e) {
        if (e instanceof CliError) {
            io.err(`bench:forecast: ${e.message}`);
            return Promise.resolve(e.code);
        }
        return Promise.resolve(internalError("bench:forecast", e, io));
    }
}

const D = DEFAULT_BENCH_PRICING;
/** The money flags, with their defaults in the help. */
const PRICE_FLAGS: readonly [string, string][] = [
    ["--pod-cpu <vCPU>", `vCPU one pod requests (default ${D.pod.cpu})`],
    ["--pod-memory-gib <GiB>", `GiB one pod requests (default ${D.pod.memoryGiB})`],
    ["--price-cpu <USD>", `on-demand price per vCPU-hour (default ${D.onDemand.cpuHour})`],
    ["--price-memory <USD>", `on-demand price per GiB-hour (default ${D.onDemand.gibHour})`],
    ["--spot-price-cpu <USD>", `spot price per vCPU-hour (default ${D.spot.cpuHour})`],
    ["--spot-price-memory <USD>", `spot price per GiB-hour (default ${D.spot.gibHour})`],
    ["--spot-share <fraction>", `fraction of the pods above the floor on spot, 0..1 (default ${D.spotSettings.share})`],
    ["--spot-interruption-rate <per-pod-hour>", `spot interruptions per spot pod-hour (default ${D.spotSettings.interruptionsPerPodHour})`],
    ["--spot-notice <seconds>", `interruption notice (default ${D.spotSettings.noticeSeconds})`],
    ["--seed <n>", `seed of the interruption draws (default ${D.seed})`],
];

/** The pricing from the flags: each a finite number >= 0 (the share at most 1, the seed an integer), else a usage error. */
export function pricingOf(o: Record<string, string | undefined>): BenchPricing {
    const num = (key: string, flag: string, dflt: number, max = Infinity): number => {
        const v = o[key];
        if (v === undefined) return dflt;
        const x = Number(v);
        if (v.trim() === "" || !Number.isFinite(x) || x < 0 || x > max)
            throw new CliError(`${flag} ${JSON.stringify(v)}: must be a number from 0${max < Infinity ? ` to ${max}` : ""}`, EXIT.usage);
        return x;
    };
    const seed = num("seed", "--seed", D.seed);
    if (!Number.isInteger(seed)) throw new CliError(`--seed ${o.seed}: must be a whole number`, EXIT.usage);
    return {
        pod: { cpu: num("podCpu", "--pod-cpu", D.pod.cpu), memoryGiB: num("podMemoryGib", "--pod-memory-gib", D.pod.memoryGiB) },
        onDemand: {
            cpuHour: num("priceCpu", "--price-cpu", D.onDemand.cpuHour),
            gibHour: num("priceMemory", "--price-memory", D.onDemand.gibHour),
        },
        spot: {
            cpuHour: num("spotPriceCpu", "--spot-price-cpu", D.spot.cpuHour),
            gibHour: num("spotPriceMemory", "--spot-price-memory", D.spot.gibHour),
        },
        spotSettings: {
            share: num("spotShare", "--spot-share", D.spotSettings.share, 1),
            interruptionsPerPodHour: num("spotInterruptionRate", "--spot-interruption-rate", D.spotSettings.interruptionsPerPodHour),
            noticeSeconds: num("spotNotice", "--spot-notice", D.spotSettings.noticeSeconds),
        },
        seed,
    };
}

if (require.main === module) runMain("bench:forecast", main);
