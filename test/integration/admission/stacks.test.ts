/**
 * The admission check on the stacks as rendered: each defect it was built to catch, on the
 * rendered object put back the way it was, and the prerequisites each stack prints.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { admissionRules, admissionWarnings, admit } from "../../../admission";
import { prerequisites } from "../../../admission/prerequisites";
import { kubernetesObjects } from "../../../tools/mockRuntime";
import { find, objectsOf, rendered, renderWith, type Obj } from "../../support/render";

/** The stack's objects with one object replaced by a changed deep copy. */
async function withChange(stack: string, kind: string, name: string, change: (o: Obj) => void): Promise<Obj[]> {
    const objects = structuredClone(await objectsOf(stack));
    change(find(objects, kind, name));
    return objects;
}
const rulesOf = (objects: Obj[]) => admit(objects).map((v) => `${v.rule} ${v.object} ${v.path}`);

describe("admission: the defects found in the rendered stacks are refused", () => {
    test("dev's Clusters with min_wal_size 1GB and max_wal_size 819MB (CloudNativePG's webhook)", async () => {
        const objects = await withChange("dev", "Cluster", "sysmanage-pg", (c) => {
            assert.equal(c.spec.postgresql.parameters.max_wal_size, "819MB");
            c.spec.postgresql.parameters.min_wal_size = "1GB";
        });
        assert.deepEqual(rulesOf(objects), [
            "cnpg/cluster-wal-size-order postgresql.cnpg.io/v1 Cluster sysmanage-dev/sysmanage-pg spec.postgresql.parameters.min_wal_size",
        ]);
    });

    test("a RedisCluster whose exporter has no securityContext: its pods violate the namespace's restricted level", async () => {
        const objects = await withChange("staging", "RedisCluster", "sysmanage-redis", (r) => delete r.spec.redisExporter.securityContext);
        const v = admit(objects);
        assert.deepEqual(
            v.map((x) => `${x.rule} ${x.object}`),
            [
                "pod-security/restricted redis.redis.opstreelabs.in/v1beta2 RedisCluster sysmanage-staging/sysmanage-redis",
                "pod-security/restricted redis.redis.opstreelabs.in/v1beta2 RedisCluster sysmanage-staging/sysmanage-redis",
            ],
        );
        assert.match(v[0].message, /^namespace sysmanage-staging enforces restricted:latest; leader pods of RedisCluster/);
        assert.match(
            v[0].message,
            /allowPrivilegeEscalation != false \(container "redis-exporter" must set securityContext\.allowPrivilegeEscalation=false\)/,
        );
        assert.match(
            v[0].message,
            /unrestricted capabilities \(container "redis-exporter" must set securityContext\.capabilities\.drop=\["ALL"\]\)/,
        );
    });

    test("a Pooler named like its Cluster's own Service (sysmanage-pg-rw)", async () => {
        const objects = await withChange("prod", "Pooler", "sysmanage-pg-pooler-rw", (p) => (p.metadata.name = "sysmanage-pg-rw"));
        assert.deepEqual(rulesOf(objects), [
            "cnpg/pooler-service-name postgresql.cnpg.io/v1 Pooler sysmanage/sysmanage-pg-rw metadata.name",
        ]);
    });

    test("a Deployment template the namespace's level refuses (a privileged sidecar)", async () => {
        const objects = await withChange("prod", "Deployment", "sysmanage-api", (d) =>
            d.spec.template.spec.containers.push({ name: "debug", image: "busybox:1.36", securityContext: { privileged: true } }),
        );
        const v = admit(objects).filter((x) => x.rule === "pod-security/restricted");
        assert.equal(v.length, 1);
        assert.match(v[0].message, /privileged \(container "debug" must not set securityContext\.privileged=true\)/);
    });

    test("the deprecated switches are gone: no webhook warning on any stack", async () => {
        for (const stack of ["dev", "staging", "prod"]) {
            const w = admissionWarnings(await objectsOf(stack));
            // In-tree Barman stays until CloudNativePG 1.31 (docs/data-tier.md: backups); nothing else warns.
            assert.ok(
                w.every((x) => /barmanObjectStore/.test(x)),
                `${stack}: ${w.join("; ")}`,
            );
            // The main cluster and the analytics replica; in prod also its two shards (issue 18).
            assert.equal(w.length, { dev: 0, prod: 4 }[stack] ?? 2, `${stack}: ${w.join("; ")}`);
        }
    });

    test("the catalogue: every rule cites its upstream source, ids are unique", () => {
        const rules = admissionRules();
        assert.ok(rules.length > 140, `${rules.length} rules`);
        assert.equal(new Set(rules.map((r) => r.id)).size, rules.length);
        for (const r of rules)
            assert.match(
                r.source,
                /(kubernetes|cloudnative-pg|redis-operator|autoscaler|vertical-pod-autoscaler|kedacore|karpenter)/i,
                r.id,
            );
    });
});

describe("prerequisites the program relies on but does not install", () => {
    test("prod: the Gateway controller, prometheus-operator, Grafana, ExternalDNS, metrics-server, and the Secrets made out of band", async () => {
        const r = await rendered("prod");
        const releases = r.resources
            .filter((x) => x.type === "kubernetes:helm.sh/v3:Release")
            .map((x) => ({ chart: String(x.inputs.chart), namespace: String(x.inputs.namespace) }));
        const p = prerequisites(kubernetesObjects(r.resources), releases);
        assert.deepEqual(
            p.map((x) => x.what),
            [
                "Gateway API CRDs (v1: gateways, httproutes.gateway.networking.k8s.io) and a Gateway controller serving class istio",
                "prometheus-operator CRDs (monitoring.coreos.com/v1) and a Prometheus that selects our monitors",
                "Grafana with its dashboard sidecar selecting the dashboards' ConfigMaps (metrics.dashboardLabels) in their namespace",
                "ExternalDNS with the DNSEndpoint CRD (externaldns.k8s.io/v1alpha1) and the crd source enabled",
                // The NodePools' (placement.karpenter): the program declares neither Karpenter nor the cloud's NodeClass.
                "Karpenter 1.x with its NodePool CRD (karpenter.sh/v1)",
                "the NodeClass EC2NodeClass default (karpenter.k8s.aws)",
                "metrics-server (metrics.k8s.io)",
                "a default StorageClass (ReadWriteOnce volumes)",
                // The main cluster's and each shard's archive (CloudNativePG keeps each under its cluster name).
                "an object store at s3://sysmanage-backups/prod the instances can write",
                "an object store at s3://sysmanage-backups/prod the instances can write",
                "an object store at s3://sysmanage-backups/prod the instances can write",
                "Secret sysmanage/sysmanage-api-tls (made out of band)",
                "Secret sysmanage/sysmanage-backup-credentials (made out of band)",
            ],
        );
        // The dashboards' ConfigMaps, not the Redis Clusters' redis.conf ones.
        assert.equal(
            p.find((x) => x.what.startsWith("Grafana"))?.why,
            "ConfigMap sysmanage/sysmanage-data-tier, ConfigMap sysmanage/sysmanage-scaling hold the stack's dashboards (the program installs no Grafana)",
        );
        assert.deepEqual(
            p.filter((x) => /Karpenter|NodeClass/.test(x.what)).map((x) => x.why),
            [
                "NodePool sysmanage-on-demand, sysmanage-spot launch the stack's nodes (the program installs no Karpenter)",
                "NodePool sysmanage-on-demand, sysmanage-spot launch nodes from it",
            ],
        );
        // The operators' CRDs come with the releases; the certificates CloudNativePG makes are not listed.
        assert.ok(!p.some((x) => /sysmanage-pg-(ca|replication)/.test(x.what)));
    });

    test("derived from what the stack declares: a named StorageClass, no ExternalDNS without DNS records, no object store without backups", async () => {
        const r = await renderWith("dev", { postgres: { storageClass: "fast-ssd" }, dns: { enabled: false } });
        const p = prerequisites(kubernetesObjects(r.resources), []);
        const what = p.map((x) => x.what);
        assert.deepEqual(
            p.filter((x) => /StorageClass/.test(x.what)).map((x) => `${x.what}: ${x.why}`),
            [
                "StorageClass fast-ssd (ReadWriteOnce volumes): the volumes of Cluster sysmanage-dev/sysmanage-pg-analytics, Cluster sysmanage-dev/sysmanage-pg, RedisCluster sysmanage-dev/sysmanage-redis, RedisCluster sysmanage-dev/sysmanage-redis-sessions",
            ],
        );
        assert.equal(what.filter((w) => w.startsWith("ExternalDNS") || w.startsWith("an object store")).length, 0);
    });

    test("a stack without the operator releases lists the operators", async () => {
        const objects = await objectsOf("dev");
        const p = prerequisites(objects, []);
        assert.deepEqual(
            p.filter((x) => x.what.startsWith("the ")).map((x) => x.what),
            [
                "the cloudnative-pg operator and its CRDs",
                "the redis-operator operator and its CRDs",
                "the vertical-pod-autoscaler operator and its CRDs",
            ],
        );
    });
});
