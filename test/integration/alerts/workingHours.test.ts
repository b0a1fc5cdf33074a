/**
 * Issue 17 #4: the working-hours floor under `promtool test rules`: the floor inside the window,
 * 0 outside it and on days off, with the UTC offset applied to the hour and to the day. promtool's
 * clock starts at Unix time 0, Thursday 1970-01-01 00:00 UTC (day_of_week 4).
 *
 *   node --import tsx --test test/integration/alerts/workingHours.test.ts
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { workingHoursRule } from "../../../lib/workingHours";
import { run } from "../../support/servers";

const PROMTOOL = "/usr/bin/promtool";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sysmanage-working-hours-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const LABELS = 'sysmanage:scheduled_floor:replicas{namespace="sysmanage-dev",source="working-hours",workload="sysmanage-api"}';
const at = (t: string, value: number) => ({
    eval_time: t,
    expr: "sysmanage:scheduled_floor:replicas",
    exp_samples: [{ labels: LABELS, value }],
});

async function promtoolCases(name: string, rule: ReturnType<typeof workingHoursRule>, cases: ReturnType<typeof at>[]): Promise<string> {
    const rules = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(rules, stringify({ groups: [{ name, interval: "30s", rules: [rule] }] }));
    const file = path.join(dir, `${name}-tests.yaml`);
    fs.writeFileSync(
        file,
        stringify({
            rule_files: [rules],
            evaluation_interval: "1m",
            tests: [{ interval: "1m", input_series: [], promql_expr_test: cases }],
        }),
    );
    const r = await run(PROMTOOL, ["test", "rules", file], { timeoutMs: 60_000 });
    return r.stdout + r.stderr;
}

test("Monday to Friday 08:00-19:00 at UTC+1: 3 inside, 0 before, at the end and on Saturday", async () => {
    const rule = workingHoursRule(
        { days: [1, 2, 3, 4, 5], start: "08:00", end: "19:00", utcOffsetMinutes: 60 },
        "sysmanage-dev",
        "sysmanage-api",
        3,
    );
    const out = await promtoolCases("cet", rule, [
        // Thursday 06:59 UTC = 07:59 local; 07:00 UTC = 08:00 local.
        at("6h59m", 0),
        at("7h", 3),
        at("17h59m", 3),
        // 18:00 UTC = 19:00 local: the end is not in the window.
        at("18h", 0),
        // Friday 12:00 UTC; Saturday 10:00 UTC (day 6) is a day off.
        at("36h", 3),
        at("58h", 0),
    ]);
    assert.match(out, /SUCCESS/);
});

test("the offset moves the day too: Saturday 02:00 UTC is Friday 21:00 at UTC-5", async () => {
    const rule = workingHoursRule({ days: [5], start: "20:00", end: "23:00", utcOffsetMinutes: -300 }, "sysmanage-dev", "sysmanage-api", 2);
    const out = await promtoolCases("est", rule, [
        // Saturday 1970-01-03 02:00 UTC = Friday 21:00 local: in the window.
        at("50h", 2),
        // Friday 21:00 UTC = Friday 16:00 local: not yet.
        at("45h", 0),
        // Thursday 02:00 UTC = Wednesday 21:00 local: not a working day here.
        at("2h", 0),
    ]);
    assert.match(out, /SUCCESS/);
});
