/**
 * Issue 15, alerts: the PrometheusRule the program declares, checked and unit-tested with
 * Prometheus's own `promtool` (Debian's prometheus package): `promtool check rules` for every
 * stack, and `promtool test rules` with a firing and a quiet case for every alert of prod, on
 * series written by hand (the expected labels and annotations too).
 *
 *   node --import tsx --test test/integration/alerts/promtool.test.ts
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { alertsPlan } from "../../../plan/alerts";
import { planStack } from "../../../plan/stack";
import { run, stackAppConfig } from "../../support/servers";
import { promtoolCases } from "./cases";

const PROMTOOL = "/usr/bin/promtool";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sysmanage-promtool-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function rulesFile(stack: string): string {
    const cfg = stackAppConfig(stack);
    const spec = alertsPlan(cfg, planStack(cfg, stack));
    assert.ok(spec, `${stack} declares alerts`);
    const file = path.join(dir, `${stack}-rules.yaml`);
    fs.writeFileSync(file, stringify({ groups: spec.groups }));
    return file;
}

describe("alert rules under promtool", () => {
    // prod: 4 autoscaling + the API's latency + 4 queues; 4 for the main cluster and 2 for the
    // analytics replica (no replicas of its own); 2 per pooler × 3; 4 + 1 (replicas) for each of
    // the cache and the session store = 31. staging has the same shape; dev has no Postgres or
    // Redis replicas: 31 − 2 − 2 = 27. prod's two shards (issue 18) add 4 per shard cluster and 2 per
    // shard pooler: 31 + 2 × 6 = 43.
    for (const [stack, count] of [
        ["dev", 27],
        ["staging", 31],
        ["prod", 43],
    ] as const)
        test(`${stack}: promtool check rules accepts all ${count} rules`, async () => {
            const r = await run(PROMTOOL, ["check", "rules", rulesFile(stack)], { timeoutMs: 30_000 });
            assert.match(r.stdout + r.stderr, new RegExp(`SUCCESS: ${count} rules found`));
        });

    test("prod: every alert fires on its condition and stays quiet just below it (promtool test rules)", async () => {
        const rules = rulesFile("prod");
        const { tests, alerts } = promtoolCases();
        const names = new Set((fs.readFileSync(rules, "utf8").match(/alert: (\w+)/g) ?? []).map((l) => l.replace("alert: ", "")));
        assert.deepEqual([...alerts].sort(), [...names].sort(), "a firing and a quiet case for every alert");
        const file = path.join(dir, "tests.yaml");
        fs.writeFileSync(file, stringify({ rule_files: [rules], evaluation_interval: "1m", tests }));
        // run() rejects with promtool's report (the differing alerts) when a case fails.
        const r = await run(PROMTOOL, ["test", "rules", file], { timeoutMs: 60_000 });
        assert.match(r.stdout + r.stderr, /SUCCESS/);
    });
});
