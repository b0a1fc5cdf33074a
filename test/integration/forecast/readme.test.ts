/**
 * The README's "forecast in a pull request" shows what the code prints: prod's api on a daily
 * ramp (the render test's, ending 2026-12-05T08:00Z), its floor schedule in the report
 * (tools/forecast/reportSchedule.ts) and as the recording rule the preview diffs
 * (lib/floorSchedule.ts), and dev's demo exports kept static as `flat`.
 *
 *   node --import tsx --test test/integration/forecast/readme.test.ts
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseConfig } from "../../../config/parse";
import { readAppConfig } from "../../../config/stackFile";
import { programForecast } from "../../../forecast/program";
import { scheduleRuleSpec } from "../../../lib/floorSchedule";
import { markdownReport } from "../../../tools/forecast/report";

const ROOT = path.resolve(__dirname, "../../..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
/** 2026-12-05T08:00Z: the exports' last point. */
const END = 1796457600;
const POOLS = ["queue", "agent", "report", "cleanup"];

/** 14 days every 5 min: `base` all day, `peak` from 10:00 to 12:00 UTC (as test/integration/render/schedule.test.ts). */
function rampCsv(base: number, peak: number): string {
    const n = (14 * 86400) / 300;
    const rows = ["timestamp,value"];
    for (let i = 0; i < n; i++) {
        const t = END - (n - 1 - i) * 300;
        const hour = Math.floor((t % 86400) / 3600);
        rows.push(`${t},${hour >= 10 && hour < 12 ? peak : base}`);
    }
    return rows.join("\n") + "\n";
}

/** prod's forecast on the ramp, an hour after its last point. */
function prodOnRamp() {
    const dir = `out/test-readme-${process.pid}`;
    fs.mkdirSync(path.join(ROOT, dir), { recursive: true });
    try {
        fs.writeFileSync(path.join(ROOT, dir, "api.csv"), rampCsv(40, 1400));
        for (const p of POOLS) fs.writeFileSync(path.join(ROOT, dir, `${p}.csv`), rampCsv(5, 150));
        const raw = structuredClone(readAppConfig(ROOT, "prod"));
        const forecast = {
            ...raw.forecast,
            exportsDir: dir,
            acknowledge: { ...raw.forecast.acknowledge, api: "3..17" },
            series: {
                api: { requests: { file: "api.csv" } },
                workers: Object.fromEntries(POOLS.map((p) => [p, { queueLength: { file: `${p}.csv` } }])),
            },
        };
        const config = parseConfig({ ...raw, forecast }, "prod");
        return programForecast({ stack: "prod", projectDir: ROOT, config, now: new Date((END + 3600) * 1000) });
    } finally {
        fs.rmSync(path.join(ROOT, dir), { recursive: true, force: true });
    }
}

describe("README: the forecast in a pull request", () => {
    test("the report's schedule and the preview diff's old rule are prod's api on the daily ramp", () => {
        const f = prodOnRamp();
        const lines = markdownReport(f.result).split("\n");
        const at = lines.findIndex((l) => l.startsWith("- floor schedule: 192 slots"));
        // The README leaves out the blank line between the item and its table.
        const table = lines.slice(at, lines.indexOf("", at + 2)).filter((l) => l !== "");
        assert.equal(table.length, 8);
        assert.ok(README.includes("```text\n" + table.join("\n") + "\n```"), table.join("\n"));
        const rule = scheduleRuleSpec({ namespace: "sysmanage", workload: "sysmanage-api", minReplicas: 3, schedule: f.schedules.api });
        const expr = rule.groups[0].rules[0].expr.split("\n");
        assert.equal(expr.length, 3);
        assert.ok(README.includes(expr.map((l) => `-     ${l}`).join("\n")), expr.join("\n"));
    });
    test("dev's demo exports keep the static floor as flat: every hour's cheapest floor is the static one", () => {
        const f = programForecast({ stack: "dev", projectDir: ROOT, config: readAppConfig(ROOT, "dev") });
        assert.deepEqual(
            f.result.workloads.map((w) => w.scheduleKept),
            ["flat", "flat", "flat", "flat", "flat"],
        );
        assert.ok(README.includes("`flat` as in dev's demo"));
    });
});
