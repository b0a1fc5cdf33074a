/**
 * The pure builders of placement (issue 17): capacity affinity and tolerations, the working-hours
 * recorded floor, the placeholders' affinity and the PriorityClass objects, asserted on their own
 * (the plan and component tests see them only through other code). Expected values written by hand.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { capacityAffinity, capacityPlacement } from "../../../lib/placement";
import { minuteOfDay, workingHoursExpr, workingHoursRule } from "../../../lib/workingHours";
import { placeholderDeployment } from "../../../lib/overprovision";
import { priorityClasses } from "../../../lib/priorityClasses";

const required = (key: string, value: string) => ({
    nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key, operator: "In", values: [value] }] }],
        },
    },
});

describe("capacity placement", () => {
    const S = {
        capacityTypeLabel: "example.com/lifecycle",
        spotTaint: { key: "example.com/spot", value: "yes", effect: "NoExecute" as const },
    };

    test("a required term on the configured label; the value is the capacity itself off EKS", () => {
        assert.deepEqual(capacityAffinity(S, "spot"), required("example.com/lifecycle", "spot"));
        assert.deepEqual(capacityAffinity(S, "on-demand"), required("example.com/lifecycle", "on-demand"));
    });

    test("spot tolerates the configured taint (key, value, effect); on-demand has no tolerations at all", () => {
        assert.deepEqual(capacityPlacement(S, "spot"), {
            affinity: required("example.com/lifecycle", "spot"),
            tolerations: [{ key: "example.com/spot", operator: "Equal", value: "yes", effect: "NoExecute" }],
        });
        const onDemand = capacityPlacement(S, "on-demand");
        assert.deepEqual(onDemand, { affinity: required("example.com/lifecycle", "on-demand") });
        assert.equal("tolerations" in onDemand, false);
    });
});

describe("working hours", () => {
    test("minutes since midnight", () => {
        assert.deepEqual(["00:00", "00:07", "09:30", "23:59"].map(minuteOfDay), [0, 7, 570, 1439]);
    });

    test("UTC itself: time() unshifted, written UTC+0h; several days joined by `or`", () => {
        assert.equal(
            workingHoursExpr({ days: [1, 2, 5], start: "07:15", end: "19:45", utcOffsetMinutes: 0 }, 4),
            "vector(4) and on() ((hour(vector(time())) * 60 + minute(vector(time()))) >= 435 < 1185)" +
                " and on() (day_of_week(vector(time())) == 1 or day_of_week(vector(time())) == 2 or day_of_week(vector(time())) == 5)" +
                " # 07:15 .. 19:45 at UTC+0h, days 1,2,5\nor vector(0) # outside working hours: minReplicas holds",
        );
    });

    test("west of UTC (-300 min: -18000 s, UTC-5h) and a half-hour zone (+330 min: 19800 s, UTC+5.5h)", () => {
        assert.equal(
            workingHoursExpr({ days: [0], start: "10:00", end: "12:00", utcOffsetMinutes: -300 }, 2),
            "vector(2) and on() ((hour(vector(time() + -18000)) * 60 + minute(vector(time() + -18000))) >= 600 < 720)" +
                " and on() (day_of_week(vector(time() + -18000)) == 0) # 10:00 .. 12:00 at UTC-5h, days 0\n" +
                "or vector(0) # outside working hours: minReplicas holds",
        );
        assert.match(
            workingHoursExpr({ days: [6], start: "09:00", end: "17:00", utcOffsetMinutes: 330 }, 1),
            /^vector\(1\) and on\(\) \(\(hour\(vector\(time\(\) \+ 19800\)\) .* # 09:00 \.\. 17:00 at UTC\+5\.5h, days 6\n/,
        );
    });

    test("the rule records the schedule's floor series, labelled as the working hours' own", () => {
        const w = { days: [3], start: "08:00", end: "09:00", utcOffsetMinutes: 0 };
        assert.deepEqual(workingHoursRule(w, "ns", "sysmanage-api", 3), {
            record: "sysmanage:scheduled_floor:replicas",
            expr:
                "vector(3) and on() ((hour(vector(time())) * 60 + minute(vector(time()))) >= 480 < 540)" +
                " and on() (day_of_week(vector(time())) == 3) # 08:00 .. 09:00 at UTC+0h, days 3\n" +
                "or vector(0) # outside working hours: minReplicas holds",
            labels: { namespace: "ns", workload: "sysmanage-api", source: "working-hours" },
        });
    });
});

describe("placeholders' affinity", () => {
    const args = { instance: "t", replicas: 2, cpu: "250m", memory: "256Mi", zones: ["a"] };
    test("the API's affinity when given, and no affinity key otherwise", () => {
        const affinity = required("karpenter.sh/capacity-type", "on-demand");
        assert.deepEqual(placeholderDeployment({ ...args, affinity }).spec.template.spec?.affinity, affinity);
        const d = placeholderDeployment(args);
        assert.equal("affinity" in d.spec.template.spec!, false);
        // The component's SDK class sets these itself: only the builder's own object shows them.
        assert.deepEqual(
            [d.apiVersion, d.kind, d.metadata.name, d.spec.replicas],
            ["apps/v1", "Deployment", "sysmanage-overprovisioning", 2],
        );
    });
});

describe("PriorityClass objects", () => {
    test("each a scheduling.k8s.io/v1 PriorityClass with its tier; the placeholders' class only when asked", () => {
        const kinds = (cs: ReturnType<typeof priorityClasses>) => cs.map((c) => [c.tier, c.apiVersion, c.kind, c.metadata.name, c.value]);
        const tiers = [
            ["data", "scheduling.k8s.io/v1", "PriorityClass", "sysmanage-data", 1000000],
            ["api", "scheduling.k8s.io/v1", "PriorityClass", "sysmanage-api", 900000],
            ["workers", "scheduling.k8s.io/v1", "PriorityClass", "sysmanage-workers", 500000],
            ["batch", "scheduling.k8s.io/v1", "PriorityClass", "sysmanage-batch", 100000],
        ];
        assert.deepEqual(kinds(priorityClasses()), tiers);
        assert.deepEqual(kinds(priorityClasses(false)), tiers);
        assert.deepEqual(kinds(priorityClasses(true)), [
            ...tiers,
            ["overprovisioning", "scheduling.k8s.io/v1", "PriorityClass", "sysmanage-overprovisioning", -10],
        ]);
    });
});
