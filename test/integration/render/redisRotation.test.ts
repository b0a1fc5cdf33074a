/**
 * `redis.credentialsVersion`: raising it changes exactly the Redis passwords' keepers, the
 * RedisClusters' annotation (which redis-operator copies onto its StatefulSets' pod templates, so
 * the Redis pods restart with the new password) and the pod annotation of the Deployments that
 * hold a Redis password; nothing else, and nothing secret in any annotation. Under the mocks a
 * RandomPassword's result is a constant, so the Secrets render the same: in a real update the
 * keepers replace the password and the Secret gets the new one.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { kubernetesObjects, MOCK_PASSWORD, type DeclaredResource } from "../../../tools/mockRuntime";
import { compareResources } from "../../../tools/renderCompare";
import { rendered, renderWith, prodRaw, type Obj } from "../../support/render";

const byKey = (resources: readonly DeclaredResource[]) => new Map(resources.map((r) => [`${r.type}::${r.name}`, r]));
const PASSWORD = "random:index/randomPassword:RandomPassword";
const CLUSTER = "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisCluster";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

describe("redis.credentialsVersion rotates the Redis passwords", () => {
    test("prod as deployed (version 1): the Redis passwords have no keepers, no Redis annotation anywhere", async () => {
        const r = await rendered("prod");
        const passwords = r.resources.filter((x) => x.type === PASSWORD && x.name.startsWith("redis"));
        assert.deepEqual(
            passwords.map((p) => [p.name, p.inputs.keepers]),
            [
                ["redis-password", undefined],
                ["redis-sessions-password", undefined],
            ],
        );
        assert.equal(JSON.stringify(r.resources).includes("sysmanage.io/redis-credentials-version"), false);
    });

    test("version 2 changes exactly the two passwords' keepers, the two RedisClusters' annotations and the seven Redis clients' pod annotations (the API, four pools, prod's two on-demand floors)", async () => {
        const base = await renderWith("prod", prodRaw());
        const head = await renderWith("prod", prodRaw({ redis: { credentialsVersion: 2 } }));
        assert.deepEqual(compareResources(byKey(base.resources), byKey(head.resources)).sort(), [
            ...[
                "api",
                "worker-agent",
                "worker-cleanup",
                "worker-cleanup-on-demand",
                "worker-queue",
                "worker-report",
                "worker-report-on-demand",
            ].map(
                (w) =>
                    `~ ${DEPLOYMENT}::${w}-deployment: /inputs/spec/template/metadata/annotations/sysmanage.io/redis-credentials-version: undefined → "2"`,
            ),
            `~ ${CLUSTER}::redis-cluster: /inputs/metadata/annotations/sysmanage.io/redis-credentials-version: undefined → "2"`,
            `~ ${CLUSTER}::redis-sessions-cluster: /inputs/metadata/annotations/sysmanage.io/redis-credentials-version: undefined → "2"`,
            `~ ${PASSWORD}::redis-password: /inputs/keepers: undefined → {"credentialsVersion":"2"}`,
            `~ ${PASSWORD}::redis-sessions-password: /inputs/keepers: undefined → {"credentialsVersion":"2"}`,
        ]);
        const objects = kubernetesObjects(head.resources) as Obj[];
        for (const c of objects.filter((o) => o.kind === "RedisCluster"))
            assert.deepEqual(
                c.metadata.annotations,
                {
                    "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "config",
                    "sysmanage.io/redis-credentials-version": "2",
                },
                c.metadata.name,
            );
        for (const d of objects.filter((o) => o.kind === "Deployment"))
            assert.equal(JSON.stringify(d).includes(MOCK_PASSWORD), false, `${d.metadata.name} holds no password`);
    });
});
