/** The benchmark (tools/forecast/bench.ts, benchReport.ts) on one small series, in-process. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseSeriesText } from "../../../../forecast/ingest";
import { benchSeries, METHODS, type SeriesScore } from "../../../../tools/forecast/bench";
import { formatBench, scheduleTallyLines } from "../../../../tools/forecast/benchReport";

describe("the benchmark", () => {
    test("bench smoke: one 9-day series gives every method in every scenario", () => {
        const lines = ["timestamp,value"];
        for (let i = 0; i < 9 * 288; i++)
            lines.push(`${1700006400 + i * 300},${Math.round(100 + 60 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 17))}`);
        const [s] = parseSeriesText(lines.join("\n"), "smoke.csv");
        const r = benchSeries("smoke.csv", s);
        assert.ok(Array.isArray(r));
        const rows = r;
        assert.deepEqual(
            rows.map((x) => x.p99Pods),
            [5, 20, 100],
        );
        assert.deepEqual(
            rows[0].methods.map((m) => m.method),
            [...METHODS],
        );
        assert.equal(rows[0].origins, 2);
        assert.equal(rows[0].methods.find((m) => m.method === "static-peak")!.mase, null);
        // The floor bound: a hindsight floor per day never costs more than no floor at all, and
        // no method that keeps cap hits at zero beats the hindsight bound by more than the
        // approximation's slack (the curve prices floors from one replay).
        for (const row of rows) {
            const fb = row.floorBound!;
            assert.ok(fb.hindsight <= fb.noFloor + 1e-12, `${fb.hindsight} vs ${fb.noFloor}`);
            // The best floor of each hour never costs more than the best floor of each day (an
            // hour may keep its day's floor), and it never hits a cap (it has none).
            const hourly = row.methods.find((m) => m.method === "hindsight-hourly")!;
            assert.ok(hourly.weightedCost <= fb.hindsight + 1e-9, `${hourly.weightedCost} vs ${fb.hindsight}`);
            assert.equal(hourly.capHitPct, 0);
            for (const m of row.methods.filter((x) => x.capHitPct === 0 && x.method !== "seed" && x.method !== "hindsight-hourly"))
                assert.ok(m.weightedCost >= fb.hindsight * 0.98, `${row.p99Pods} ${m.method} ${m.weightedCost} vs ${fb.hindsight}`);
        }
        // Money: the static peak runs its floor all day (no burst, so nothing on spot), and spot
        // only cuts the price and only adds shortfall (the same seed for every method).
        for (const row of rows) {
            const peak = row.methods.find((m) => m.method === "static-peak")!;
            assert.equal(peak.spotMonthlyCost, peak.monthlyCost);
            assert.equal(peak.spotInterruptions, 0);
            for (const m of row.methods) {
                assert.ok(m.monthlyCost > 0 && m.spotMonthlyCost <= m.monthlyCost + 1e-9, `${m.method}`);
                assert.ok(m.spotWeightedCost >= m.weightedCost - 1e-9, `${m.method}`);
            }
        }
        const md = formatBench({ series: rows, speed: { forecastMs: 1, jsonParseMs: 1, ratio: 1 }, skipped: [] });
        assert.ok(md.includes("### smoke.csv · p99 needs 20 pods · 2 origins"));
        assert.match(md, /with the best floor of each day chosen in hindsight, \d\.\d{3}\./);
        assert.match(md, /## Money and spot/);
        assert.match(md, /One pod requests 0\.5 vCPU and 0\.5 GiB; on-demand \$0\.031611\/vCPU-h and \$0\.004237\/GiB-h/);
        // 2 origins a scenario: each day either ran a schedule or kept the static floor for a class.
        for (const row of rows) {
            const t = row.schedule!;
            assert.equal(t.scheduled + t.kept.flat + t.kept.irregular + t.kept.short, 2, `${row.p99Pods}`);
        }
        assert.match(md, /^Scheduled default: a schedule ran on \d+ days \(origins\)/m);
        assert.match(md, /\(target ≤ 2\)$/m);
        assert.equal(
            benchSeries("short.csv", parseSeriesText("timestamp,value\n1,1\n2,2\n", "short.csv")[0]),
            "short.csv: 0.00 days is too short for 7 training days and a test day",
        );
    });

    test("where the scheduled default kept the static floor: days and series × scenarios by class (hand-made tallies)", () => {
        const row = (name: string, scheduled: number, flat: number, irregular: number, short: number): SeriesScore => ({
            name,
            p99Pods: 5,
            origins: 3,
            methods: [],
            schedule: { scheduled, kept: { flat, irregular, short } },
        });
        const lines = scheduleTallyLines({
            series: [row("a", 3, 0, 0, 0), row("b", 0, 3, 0, 0), row("c", 1, 0, 2, 0), row("d", 0, 0, 3, 0), row("e", 0, 1, 2, 0)],
            speed: { forecastMs: 1, jsonParseMs: 1, ratio: 1 },
            skipped: [],
        });
        assert.deepEqual(lines, [
            "",
            "Scheduled default: a schedule ran on 4 days (origins) and the backtest kept the static floor on 11; 3 of 5 series × scenarios kept it on every day, so `default` replays the same bounds as `static` there. By class: flat 4 days, 1 series × scenarios on every day (no hour of the replayed days needs more than the static floor); irregular 7 days, 1 series × scenarios on every day (hourly floors chosen on some days lose to the static floor on the others: the bursts move from day to day); short 0 days, 0 series × scenarios on every day (fewer than 2 days of history: no day to hold out).",
        ]);
    });
});
