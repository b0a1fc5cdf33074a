import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { programForecast } from "../forecast/program";
import { PROJECT_DIR } from "../tools/mockRuntime";
import { find, objectsOf, rendered, type Obj } from "./support";

const devCurrent = {
    api: { minReplicas: 1, maxReplicas: 4 },
    "worker-queue": { minReplicas: 1, maxReplicas: 3 },
    "worker-agent": { minReplicas: 1, maxReplicas: 3 },
};

describe("the forecasting step inside the program", () => {
    test("dev: the rendered HPA bounds and annotations are the step's own result for the committed exports", async () => {
        const expected = programForecast({
            stack: "dev",
            projectDir: PROJECT_DIR,
            seriesFile: "",
            maxAgeDays: 0,
            policyMinimum: 1,
            current: devCurrent,
        });
        const objects = await objectsOf("dev");
        for (const [key, name] of [
            ["api", "sysmanage-api"],
            ["worker-queue", "sysmanage-worker-queue"],
        ]) {
            const hpa = find(objects, "HorizontalPodAutoscaler", name);
            assert.deepEqual({ minReplicas: hpa.spec.minReplicas, maxReplicas: hpa.spec.maxReplicas }, expected.bounds[key], name);
            assert.deepEqual(hpa.metadata.annotations, expected.annotations[key], name);
            assert.ok(hpa.spec.minReplicas < hpa.spec.maxReplicas, `${name}: an HPA with min = max never scales`);
        }
        // Workloads without series keep their configured bounds and carry no forecast annotations.
        const agent = find(objects, "HorizontalPodAutoscaler", "sysmanage-worker-agent");
        assert.deepEqual([agent.spec.minReplicas, agent.spec.maxReplicas, agent.metadata.annotations], [1, 3, undefined]);
        const out = (await rendered("dev")).outputs.forecast as Obj;
        assert.equal(out.inputsHash, expected.result!.inputsHash);
        assert.equal(out.seriesFile, "exports/dev/series.yaml");
    });
    test("deterministic: the same files and config give the same sizing", () => {
        const a = programForecast({
            stack: "dev",
            projectDir: PROJECT_DIR,
            seriesFile: "",
            maxAgeDays: 0,
            policyMinimum: 1,
            current: devCurrent,
        });
        const b = programForecast({
            stack: "dev",
            projectDir: PROJECT_DIR,
            seriesFile: "",
            maxAgeDays: 0,
            policyMinimum: 1,
            current: devCurrent,
        });
        assert.deepEqual(a.bounds, b.bounds);
        assert.deepEqual(a.annotations, b.annotations);
    });
    test("policyMinimum is a floor the step never goes below", () => {
        const r = programForecast({
            stack: "dev",
            projectDir: PROJECT_DIR,
            seriesFile: "",
            maxAgeDays: 0,
            policyMinimum: 4,
            current: devCurrent,
        });
        for (const key of ["api", "worker-queue"]) assert.ok(r.bounds[key].minReplicas >= 4, key);
    });
    test("prod: stale exports fall back to the configured bounds, with a warning and no forecast annotations", async () => {
        const objects = await objectsOf("prod");
        const hpa = find(objects, "HorizontalPodAutoscaler", "sysmanage-api");
        assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas, hpa.metadata.annotations], [3, 50, undefined]);
        const warnings = ((await rendered("prod")).outputs.forecast as Obj).warnings as string[];
        assert.deepEqual(warnings, [
            "forecast api: export api-requests.query_range.json for requests ends 1995-07-26T23:55:00.000Z, older than 168 h",
            "forecast api: api: kept the guardrail defaults 3..50",
            "forecast worker-queue: export worker-queue.csv for queue ends 2015-03-15T23:57:53.000Z, older than 168 h",
            "forecast worker-queue: worker-queue: kept the guardrail defaults 3..20",
        ]);
    });
    test("a missing series file keeps every configured bound, with a warning naming the file", () => {
        const r = programForecast({
            stack: "nope",
            projectDir: PROJECT_DIR,
            seriesFile: "",
            maxAgeDays: 0,
            policyMinimum: 1,
            current: devCurrent,
        });
        assert.deepEqual(r.bounds, devCurrent);
        assert.deepEqual(r.warnings, ["forecast: exports/nope/series.yaml not found; every workload keeps its configured bounds"]);
    });
});
