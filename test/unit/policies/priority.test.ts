/** wl-priority-order (issue 17 #2): tier classes on every pod, declared by the stack, in the order. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { wlPriorityOrder } from "../../../policies/rules";
import { PRIORITY_CLASSES, PRIORITY_TIERS } from "../../../policies/contract";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { fixture, messages, mutated, PACK_CONFIG, published, type Fixture } from "../../support/policy";

const without = (name: string) => fixture().filter((f) => f.name !== name);
const DATA_FIX = "set sysmanage-data, the data tier's class.";

describe("wl-priority-order", () => {
    it("a data-tier pod with the batch class", async () => {
        const f = mutated("pg-cluster", (i) => (i.spec.priorityClassName = "sysmanage-batch"));
        assert.deepEqual(await messages(wlPriorityOrder, f), [
            `primary instance pod (pg-1) of Cluster app/pg: data-tier pods run with priorityClassName sysmanage-batch; ${DATA_FIX}`,
            `replica instance pods (2) of Cluster app/pg: data-tier pods run with priorityClassName sysmanage-batch; ${DATA_FIX}`,
        ]);
    });

    it("poolers and Redis nodes without the data tier's class", async () => {
        const f = mutated("pg-rw-pooler", (i) => delete i.spec.template.spec.priorityClassName);
        mutated("redis-cluster", (i) => (i.spec.priorityClassName = "sysmanage-api"), f);
        assert.deepEqual(await messages(wlPriorityOrder, f), [
            `pods of Pooler app/pg-rw (Deployment app/pg-rw, 2 replicas): data-tier pods run with no priorityClassName; ${DATA_FIX}`,
            `leader pods of RedisCluster app/redis (StatefulSet redis-leader, redis-operator v0.26.0): data-tier pods run with priorityClassName sysmanage-api; ${DATA_FIX}`,
            `follower pods of RedisCluster app/redis (StatefulSet redis-follower, redis-operator v0.26.0): data-tier pods run with priorityClassName sysmanage-api; ${DATA_FIX}`,
        ]);
    });

    it("an API pod with the workers' class", async () => {
        const f = mutated("api-deployment", (i) => (i.spec.template.spec.priorityClassName = "sysmanage-workers"));
        assert.deepEqual(await messages(wlPriorityOrder, f), [
            "pods of Deployment app/api: API pods run with priorityClassName sysmanage-workers; set sysmanage-api, the api tier's class.",
        ]);
    });

    it("a class missing from the stack", async () => {
        assert.deepEqual(await messages(wlPriorityOrder, without("priority-data")), [
            "the stack declares no PriorityClass sysmanage-data for its data-tier pods; declare it (lib/priorityClasses.ts), or the API server refuses the pods.",
        ]);
        // No pod of the workers' tier in the fixture: its class may be absent.
        assert.deepEqual(await messages(wlPriorityOrder, without("priority-workers")), []);
    });

    it("classes out of order: the workers above the API, batch above the workers", async () => {
        const f = mutated("priority-workers", (i) => (i.value = 950000));
        mutated("priority-batch", (i) => (i.value = 960000), f);
        assert.deepEqual(await messages(wlPriorityOrder, f), [
            "PriorityClass sysmanage-api (900000, the api tier's) is not above sysmanage-workers (950000, the workers tier's); raise sysmanage-api or lower sysmanage-workers (policies/contract/scheduling.ts).",
            "PriorityClass sysmanage-workers (950000, the workers tier's) is not above sysmanage-batch (960000, the batch tier's); raise sysmanage-workers or lower sysmanage-batch (policies/contract/scheduling.ts).",
        ]);
        // Equal values are not an order either.
        const g = mutated("priority-api", (i) => (i.value = 500000));
        assert.equal((await messages(wlPriorityOrder, g)).length, 1);
    });

    it("a class unknown in preview cannot be missing (cannot check)", async () => {
        const f = mutated("priority-data", (i) => (i.metadata = { ...i.metadata, name: UNKNOWN }));
        assert.deepEqual(await messages(wlPriorityOrder, f), []);
        const g = mutated("priority-data", (i) => (i.value = UNKNOWN));
        assert.deepEqual(await messages(wlPriorityOrder, g), []);
    });

    it("another cluster's names, through the rule's config", async () => {
        const f = mutated("api-deployment", (i) => (i.spec.template.spec.priorityClassName = "tenant-critical"));
        assert.deepEqual(
            await messages(wlPriorityOrder, f, {
                api: "tenant-critical",
                data: "sysmanage-data",
                workers: "sysmanage-workers",
                batch: "sysmanage-batch",
            }),
            [
                "the stack declares no PriorityClass tenant-critical for its API pods; declare it (lib/priorityClasses.ts), or the API server refuses the pods.",
            ],
        );
    });
});

/** A Deployment of component `component` (the api Deployment renamed), with class `pc` (none when undefined). */
function workload(name: string, component: string, pc: string | undefined): Fixture {
    const f = structuredClone(fixture().find((x) => x.name === "api-deployment")!);
    f.name = `${name}-deployment`;
    f.inputs.metadata = { ...f.inputs.metadata, name };
    for (const l of [f.inputs.metadata.labels, f.inputs.spec.template.metadata.labels]) l["app.kubernetes.io/component"] = component;
    f.inputs.spec.template.spec.priorityClassName = pc;
    return f;
}

describe("wl-priority-order: each tier and pods outside the tiers", () => {
    it("the data tier below the workers (the API still above them)", async () => {
        const f = mutated("priority-data", (i) => (i.value = 400000));
        assert.deepEqual(await messages(wlPriorityOrder, f), [
            "PriorityClass sysmanage-data (400000, the data tier's) is not above sysmanage-workers (500000, the workers tier's); raise sysmanage-data or lower sysmanage-workers (policies/contract/scheduling.ts).",
        ]);
    });

    it("a worker pod and an analytics pod with the API's class", async () => {
        const f = [...mutated("analytics-deployment", (i) => (i.spec.template.spec.priorityClassName = "sysmanage-api"))];
        f.push(workload("worker", "worker", "sysmanage-api"));
        assert.deepEqual(await messages(wlPriorityOrder, f), [
            "pods of Deployment app/analytics: analytics/batch pods run with priorityClassName sysmanage-api; set sysmanage-batch, the batch tier's class.",
            "pods of Deployment app/worker: worker pods run with priorityClassName sysmanage-api; set sysmanage-workers, the workers tier's class.",
        ]);
    });

    it("a pod of no tier (component tooling, no class) is not checked", async () => {
        assert.deepEqual(await messages(wlPriorityOrder, [...fixture(), workload("tooling", "tooling", undefined)]), []);
    });

    it("a pod template without a spec has no priorityClassName", async () => {
        const f = mutated("api-deployment", (i) => delete i.spec.template.spec);
        assert.deepEqual(await messages(wlPriorityOrder, f), [
            "pods of Deployment app/api: API pods run with no priorityClassName; set sysmanage-api, the api tier's class.",
        ]);
    });

    it("a PriorityClass of another API version, or with a string value, is not the tier's", async () => {
        // Counted, either would put the workers above the API, or the data tier below the workers.
        const f = mutated("priority-workers", (i, x) => {
            x.type = "kubernetes:scheduling.k8s.io/v1beta1:PriorityClass";
            i.apiVersion = "scheduling.k8s.io/v1beta1";
            i.value = 950000;
        });
        assert.deepEqual(await messages(wlPriorityOrder, f), []);
        const g = mutated("priority-data", (i) => (i.value = "1"));
        assert.deepEqual(await messages(wlPriorityOrder, g), []);
    });
});

describe("wl-priority-order: what the pack publishes", () => {
    it("its name, level, severity, remediation, the catalogue's description and its config schema", () => {
        assert.deepEqual(published(wlPriorityOrder), {
            name: "wl-priority-order",
            enforcementLevel: "mandatory",
            severity: "medium",
            remediationSteps:
                "Set each pod's priorityClassName to its tier's class and declare the classes with the order of policies/contract/scheduling.ts.",
            inCatalogue: true,
        });
        const str = (d: string, description: string) => ({ type: "string", default: d, description });
        assert.deepEqual(wlPriorityOrder.configSchema, {
            properties: {
                data: str("sysmanage-data", "Class of Postgres instances, PgBouncer poolers and Redis nodes."),
                api: str("sysmanage-api", "Class of the API pods."),
                workers: str("sysmanage-workers", "Class of the queue workers."),
                batch: str("sysmanage-batch", "Class of analytics and batch pods."),
            },
        });
    });
});

describe("the classes of policies/contract/scheduling.ts", () => {
    it("keep the issue's order, below the user ceiling and above pods without a class", () => {
        assert.deepEqual(
            PRIORITY_TIERS.map((t) => [PRIORITY_CLASSES[t].name, PRIORITY_CLASSES[t].value, PRIORITY_CLASSES[t].preemptionPolicy]),
            [
                ["sysmanage-data", 1000000, "PreemptLowerPriority"],
                ["sysmanage-api", 900000, "PreemptLowerPriority"],
                ["sysmanage-workers", 500000, "PreemptLowerPriority"],
                ["sysmanage-batch", 100000, "Never"],
            ],
        );
    });
    it("are the allowed list of wl-priority-class in every environment", () => {
        for (const env of ["dev", "staging", "prod"]) {
            const c = PACK_CONFIG[env]["wl-priority-class"];
            assert.deepEqual(
                typeof c === "object" ? c.allowed : undefined,
                ["sysmanage-data", "sysmanage-api", "sysmanage-workers", "sysmanage-batch"],
                env,
            );
        }
    });
});
