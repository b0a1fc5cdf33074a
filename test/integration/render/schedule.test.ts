/**
 * Issue 16, end to end: prod rendered on fresh exports with a daily ramp (written here, ending an
 * hour before the wall clock, so prod's 7-day staleness check passes) declares a floor schedule
 * for all five workloads: each HPA scales on `scheduled_floor` too and records the schedule, its
 * minReplicas is the configured static minimum, a PrometheusRule `<workload>-schedule` records
 * floors above it, and the policy pack passes on what it declares.
 *
 *   node --import tsx --test test/integration/render/schedule.test.ts
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackConfig } from "../../../config/stackFile";
import { kubernetesObjects, PROJECT_DIR, type RenderResult } from "../../../tools/mockRuntime";
import { parseFloorSchedule } from "../../../policies/contract";
import { find, renderWith, type Obj } from "../../support/render";
import { runPack, toPolicyResources } from "../../../policies/harness";
import { ALL_RULES } from "../../../policies/rules";
import { PACK_CONFIG } from "../../support/policy";

const DIR = `out/test-schedule-${process.pid}`;
const STEP = 300;
const DAYS = 14;
const POOLS = ["queue", "agent", "report", "cleanup"] as const;

/** 14 days every 5 min: `base` all day, `peak` from 10:00 to 12:00 UTC. */
function rampCsv(end: number, base: number, peak: number): string {
    const n = (DAYS * 86400) / STEP;
    const rows = ["timestamp,value"];
    for (let i = 0; i < n; i++) {
        const t = end - (n - 1 - i) * STEP;
        const hour = Math.floor((t % 86400) / 3600);
        rows.push(`${t},${hour >= 10 && hour < 12 ? peak : base}`);
    }
    return rows.join("\n") + "\n";
}

let result: RenderResult;
let objects: Obj[];
before(async () => {
    const end = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
    fs.mkdirSync(path.join(PROJECT_DIR, DIR), { recursive: true });
    // The API: 40 req/s (1 pod at 70 of 100 per pod), 1400 req/s at the peak (20 pods);
    // each pool: 5 items (1 pod at 7 of 10), 150 at the peak (22 pods).
    fs.writeFileSync(path.join(PROJECT_DIR, DIR, "api.csv"), rampCsv(end, 40, 1400));
    for (const p of POOLS) fs.writeFileSync(path.join(PROJECT_DIR, DIR, `${p}.csv`), rampCsv(end, 5, 150));
    result = await renderWith("prod", { forecast: forecastConfig() });
    objects = kubernetesObjects(result.resources);
});
after(() => fs.rmSync(path.join(PROJECT_DIR, DIR), { recursive: true, force: true }));

/** prod's forecast config on the ramp's exports. */
function forecastConfig(): Obj {
    const prodForecast = JSON.parse(readStackConfig(PROJECT_DIR, "prod").config["sysmanage-scaling:forecast"]) as Obj;
    return {
        ...prodForecast,
        exportsDir: DIR,
        // The ramp's peak sizes the API at 3..17 against prod's 3..50: a change beyond
        // forecast-change-bounded's factor 2, acknowledged as a reviewer would.
        acknowledge: { api: "3..17" },
        series: {
            api: { requests: { file: "api.csv" } },
            workers: Object.fromEntries(POOLS.map((p) => [p, { queueLength: { file: `${p}.csv` } }])),
        },
    };
}

describe("prod on fresh exports with a daily ramp", () => {
    const names = ["sysmanage-api", ...POOLS.map((p) => `sysmanage-worker-${p}`)];
    test("all five workloads are scheduled: the floor metric, the annotation, the rule; minReplicas the static minimum", () => {
        for (const name of names) {
            const hpa = find(objects, "HorizontalPodAutoscaler", name);
            const floor = (hpa.spec.metrics as Obj[]).filter((m) => m.type === "Object" && m.object.metric.name === "scheduled_floor");
            assert.deepEqual(
                floor.map((m) => [m.object.describedObject, m.object.metric.selector.matchLabels.workload, m.object.target]),
                [[{ apiVersion: "v1", kind: "Namespace", name: "sysmanage" }, name, { type: "AverageValue", averageValue: "1" }]],
                name,
            );
            const s = parseFloorSchedule(hpa.metadata.annotations["sysmanage.io/floor-schedule"]);
            if (typeof s === "string") assert.fail(`${name}: the annotation ${s}`);
            // prod's policy minimum (3, one pod per zone) is the static floor; report and cleanup run
            // on spot, where the HPA has the burst above an on-demand floor of 3 (its schedule less 3, at least 1).
            const lowest = name.endsWith("-report") || name.endsWith("-cleanup") ? 1 : 3;
            assert.equal(hpa.spec.minReplicas, lowest, name);
            // The ramp's hours get more than the static floor, never more than maxReplicas.
            assert.ok(Math.max(...s.floors) > lowest && Math.max(...s.floors) <= hpa.spec.maxReplicas, `${name}: ${s.floors.join(",")}`);
            const rule = find(objects, "PrometheusRule", `${name}-schedule`);
            const floorRule = rule.spec.groups[0].rules[0];
            assert.equal(floorRule.record, "sysmanage:scheduled_floor:replicas");
            assert.deepEqual(floorRule.labels, { namespace: "sysmanage", workload: name });
            // One term per run above the HPA's minimum, and the fallback.
            const runs = s.floors.filter((f, i) => f > lowest && f !== s.floors[i - 1]).length;
            assert.equal(floorRule.expr.split("\n").length, runs + 1, name);
            assert.match(floorRule.expr, /\nor vector\(0\) # after \d{4}-\d\d-\d\dT\d\d:\d\dZ or between runs: minReplicas holds$/);
        }
    });
    test("hysteresis across refreshes: the deployed schedule's floors stand against a change of one pod (read back from the stack's last outputs)", async () => {
        const hpa = find(objects, "HorizontalPodAutoscaler", "sysmanage-api");
        const now = parseFloorSchedule(hpa.metadata.annotations["sysmanage.io/floor-schedule"]);
        if (typeof now === "string") assert.fail(now);
        const peak = Math.max(...now.floors);
        // What the last update deployed: one pod more in the ramp's slots.
        const deployed = { ...now, floors: now.floors.map((f) => (f === peak ? peak + 1 : f)), bands: [] };
        const again = await renderWith("prod", { forecast: forecastConfig() }, { forecast: { schedules: { api: deployed } } });
        const next = parseFloorSchedule(
            find(kubernetesObjects(again.resources), "HorizontalPodAutoscaler", "sysmanage-api").metadata.annotations[
                "sysmanage.io/floor-schedule"
            ],
        );
        if (typeof next === "string") assert.fail(next);
        assert.deepEqual(next.floors, deployed.floors);
        // The other workloads had nothing deployed: their schedules are as before.
        assert.equal(
            find(kubernetesObjects(again.resources), "HorizontalPodAutoscaler", "sysmanage-worker-queue").metadata.annotations[
                "sysmanage.io/floor-schedule"
            ],
            find(objects, "HorizontalPodAutoscaler", "sysmanage-worker-queue").metadata.annotations["sysmanage.io/floor-schedule"],
        );
    });
    test("overprovisioning (issue 17 #4) sizes from the API's band: a load that repeats exactly leaves no headroom, so no placeholders and no class", () => {
        // Without a schedule prod holds one per zone (test/integration/render/stacks.test.ts); here the band has no width at the peak.
        assert.deepEqual(
            objects.filter((o) => o.metadata.name === "sysmanage-overprovisioning").map((o) => o.kind),
            [],
        );
    });
    test("the policy pack passes on it (no mandatory violation)", async () => {
        const v = await runPack(ALL_RULES, toPolicyResources(result.resources, "prod"), PACK_CONFIG.prod);
        assert.deepEqual(
            v.filter((x) => x.level === "mandatory").map((x) => `${x.rule}: ${x.message}`),
            [],
        );
    });
});
