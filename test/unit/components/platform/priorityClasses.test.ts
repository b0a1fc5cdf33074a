/** PriorityClasses (issue 17 #2): one cluster-scoped class per tier, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PriorityClasses } from "../../../../components/platform/priorityClasses";
import { priorityClasses } from "../../../../lib/priorityClasses";
import { construct, typesAndNames } from "../../../support/components";

const labels = { "app.kubernetes.io/part-of": "sysmanage", "app.kubernetes.io/managed-by": "pulumi" };
const pc = (name: string, value: number, preemptionPolicy: string, description: string) => ({
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name, labels },
    value,
    globalDefault: false,
    preemptionPolicy,
    description,
});

describe("PriorityClasses", () => {
    it("declares data > api > workers > batch, none the cluster default, batch never preempting", async () => {
        const { self, children } = await construct(PriorityClasses, "priority", { classes: priorityClasses() });
        assert.deepEqual(typesAndNames([self, ...children]), [
            ["sysmanage:platform:PriorityClasses", "priority"],
            ["kubernetes:scheduling.k8s.io/v1:PriorityClass", "priority-data"],
            ["kubernetes:scheduling.k8s.io/v1:PriorityClass", "priority-api"],
            ["kubernetes:scheduling.k8s.io/v1:PriorityClass", "priority-workers"],
            ["kubernetes:scheduling.k8s.io/v1:PriorityClass", "priority-batch"],
        ]);
        assert.deepEqual(
            children.map((c) => c.inputs),
            [
                pc(
                    "sysmanage-data",
                    1000000,
                    "PreemptLowerPriority",
                    "SysManage data tier: Postgres instances, PgBouncer poolers, Redis nodes. Preempted last.",
                ),
                pc("sysmanage-api", 900000, "PreemptLowerPriority", "SysManage API: serves users; below the data tier it depends on."),
                pc(
                    "sysmanage-workers",
                    500000,
                    "PreemptLowerPriority",
                    "SysManage queue workers: a backlog waits in the queue; below the API and the data tier.",
                ),
                pc("sysmanage-batch", 100000, "Never", "SysManage analytics and batch: waits for capacity, never preempts; evicted first."),
            ],
        );
        assert.deepEqual(
            children.map((c) => c.options?.parent),
            ["priority", "priority", "priority", "priority"],
        );
    });

    it("adds the placeholders' class last when the stack overprovisions: -10, never preempting", async () => {
        const { children } = await construct(PriorityClasses, "priority", { classes: priorityClasses(true) });
        assert.deepEqual(
            children.map((c) => c.name),
            ["priority-data", "priority-api", "priority-workers", "priority-batch", "priority-overprovisioning"],
        );
        assert.deepEqual(
            children[4].inputs,
            pc(
                "sysmanage-overprovisioning",
                -10,
                "Never",
                "SysManage overprovisioning placeholders (pause pods): preempted by any real pod; never preempts.",
            ),
        );
    });
});
