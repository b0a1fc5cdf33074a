/**
 * `hpa-min-replicas-ha` on small hand-built stacks: HPAs and floor Deployments with fields
 * missing or unknown, and the published schema. Prod's floor is max(2, 3 zones) = 3.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hpaMinReplicasHa } from "../../../policies/rules";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { messages, type Fixture, type Obj } from "../../support/policy";

const hpa = (name: string, inputs: Obj): Fixture => ({
    type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    name: `${name}-hpa`,
    inputs: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", ...inputs },
});
const deployment = (name: string, inputs: Obj): Fixture => ({
    type: "kubernetes:apps/v1:Deployment",
    name: `${name}-deployment`,
    inputs: { apiVersion: "apps/v1", kind: "Deployment", ...inputs },
});
const ref = (name: string) => ({ apiVersion: "apps/v1", kind: "Deployment", name });
const FLOOR_ANNOTATION = "sysmanage.io/on-demand-floor";
const PROD_WHY = "3 = max(2, 3 zones)";
const raise = (id: string, has: string, to: number) =>
    `${id}: ${has} is below the HA floor (${PROD_WHY}); raise spec.minReplicas to ${to} so losing a pod or a zone keeps the workload serving.`;

describe("hpa-min-replicas-ha with missing fields", () => {
    it("an HPA without spec, or without scaleTargetRef, is minReplicas 1 with no on-demand floor", async () => {
        const bare = hpa("bare", { metadata: { name: "bare", namespace: "app" } });
        assert.deepEqual(await messages(hpaMinReplicasHa, [bare]), [raise("HorizontalPodAutoscaler app/bare", "minReplicas (1)", 3)]);
        const noRef = hpa("noref", { metadata: { name: "noref", namespace: "app" }, spec: { minReplicas: 2 } });
        assert.deepEqual(await messages(hpaMinReplicasHa, [noRef]), [raise("HorizontalPodAutoscaler app/noref", "minReplicas (2)", 3)]);
    });
    it("an HPA without metadata (namespace default, no name) still reads its own minReplicas", async () => {
        const anonymous = hpa("anon", { spec: { minReplicas: 1, maxReplicas: 4 } });
        assert.deepEqual(await messages(hpaMinReplicasHa, [anonymous]), [raise("HorizontalPodAutoscaler default/", "minReplicas (1)", 3)]);
    });
    it("a target that is not declared, or declared without metadata, has no on-demand floor", async () => {
        const missing = hpa("api", { metadata: { name: "api", namespace: "app" }, spec: { minReplicas: 2, scaleTargetRef: ref("api") } });
        assert.deepEqual(await messages(hpaMinReplicasHa, [missing]), [raise("HorizontalPodAutoscaler app/api", "minReplicas (2)", 3)]);
        // Both without metadata: the HPA is in namespace default, the Deployment is default/ (name "").
        const anonymous = [
            hpa("anon", { spec: { minReplicas: 2, scaleTargetRef: ref("") } }),
            deployment("anon", { spec: { replicas: 5 } }),
        ];
        assert.deepEqual(await messages(hpaMinReplicasHa, anonymous), [raise("HorizontalPodAutoscaler default/", "minReplicas (2)", 3)]);
    });
    it("an on-demand floor annotation that is not a string names no floor", async () => {
        // A Deployment literally named "7" in the namespace: only a string annotation may name it.
        const f = [
            hpa("burst", { metadata: { name: "burst", namespace: "app" }, spec: { minReplicas: 1, scaleTargetRef: ref("burst") } }),
            deployment("burst", { metadata: { name: "burst", namespace: "app", annotations: { [FLOOR_ANNOTATION]: 7 } } }),
            deployment("seven", { metadata: { name: "7", namespace: "app" }, spec: { replicas: 2 } }),
        ];
        assert.deepEqual(await messages(hpaMinReplicasHa, f), [raise("HorizontalPodAutoscaler app/burst", "minReplicas (1)", 3)]);
    });
    it("a floor Deployment without spec counts 1 replica; one whose replicas are unknown counts as no floor", async () => {
        const pair = (floorSpec: Obj | undefined): Fixture[] => [
            hpa("burst", { metadata: { name: "burst", namespace: "app" }, spec: { minReplicas: 1, scaleTargetRef: ref("burst") } }),
            deployment("burst", { metadata: { name: "burst", namespace: "app", annotations: { [FLOOR_ANNOTATION]: "floor" } } }),
            deployment("floor", { metadata: { name: "floor", namespace: "app" }, ...(floorSpec ? { spec: floorSpec } : {}) }),
        ];
        // 1 (minReplicas) + 1 (the floor's default replicas) = 2 < 3: raise the floor to 3 - 1 = 2.
        assert.deepEqual(await messages(hpaMinReplicasHa, pair(undefined)), [
            "HorizontalPodAutoscaler app/burst: minReplicas (1) plus the 1 replica(s) of its on-demand floor Deployment app/floor is below the HA floor (3 = max(2, 3 zones)); raise the on-demand floor's replicas to 2 so losing a pod or a zone keeps the workload serving.",
        ]);
        assert.deepEqual(await messages(hpaMinReplicasHa, pair({ replicas: UNKNOWN })), [
            raise("HorizontalPodAutoscaler app/burst", "minReplicas (1)", 3),
        ]);
    });
    it("a working-hours floor equal to minReplicas changes nothing", async () => {
        const cfg = { floor: 2, zones: 3, zoneAware: false, workingHoursFloor: true };
        const h = (inHours: string) =>
            hpa("api", {
                metadata: { name: "api", namespace: "app", annotations: { "sysmanage.io/working-hours-floor": inHours } },
                spec: { minReplicas: 1 },
            });
        assert.deepEqual(await messages(hpaMinReplicasHa, [h("1")], cfg), [
            "HorizontalPodAutoscaler app/api: minReplicas (1) is below the HA floor (2); raise spec.minReplicas to 2 so losing a pod keeps the workload serving.",
        ]);
        assert.deepEqual(await messages(hpaMinReplicasHa, [h("2")], cfg), []);
    });
});

describe("hpa-min-replicas-ha's published schema", () => {
    it("describes each setting", () => {
        assert.deepEqual(hpaMinReplicasHa.configSchema?.properties?.workingHoursFloor, {
            type: "boolean",
            default: false,
            description:
                "Accept an off-hours minReplicas when the HPA's sysmanage.io/working-hours-floor (held inside working hours) meets the floor.",
        });
    });
});
