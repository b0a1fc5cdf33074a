import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { celGovernedFields, validateObject, type K8sObject } from "../../../tools/validation";
import { find, objectsOf, rendered, STACKS, type Obj } from "../../support/render";

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

describe("the validation module rejects what a strict API server would", () => {
    test("built-in kind: wrong type", async () => {
        const d = clone(find(await objectsOf("dev"), "Deployment", "sysmanage-api"));
        d.spec.replicas = "three";
        assert.deepEqual(await validateObject(d), ["apps/v1 Deployment sysmanage-dev/sysmanage-api: spec.replicas: must be integer"]);
    });
    test("built-in kind: unknown (misspelt) field deep in the pod template", async () => {
        const d = clone(find(await objectsOf("dev"), "Deployment", "sysmanage-api"));
        d.spec.template.spec.containers[0].readinesProbe = d.spec.template.spec.containers[0].readinessProbe;
        d.spec.strategy.rollingUpdate.maxSurgee = 1;
        assert.deepEqual(await validateObject(d), [
            "apps/v1 Deployment sysmanage-dev/sysmanage-api: spec.strategy.rollingUpdate.maxSurgee: unknown field",
            "apps/v1 Deployment sysmanage-dev/sysmanage-api: spec.template.spec.containers[0].readinesProbe: unknown field",
        ]);
    });
    test("built-in kind: unknown field in an HPA metric", async () => {
        const h = clone(find(await objectsOf("dev"), "HorizontalPodAutoscaler", "sysmanage-api"));
        h.spec.metrics[0].resource.target.averageUtilisation = 70;
        assert.deepEqual(await validateObject(h), [
            "autoscaling/v2 HorizontalPodAutoscaler sysmanage-dev/sysmanage-api: spec.metrics[0].resource.target.averageUtilisation: unknown field",
        ]);
    });
    test("CRD (VPA): enum violation and unknown field, checked against the upstream CRD", async () => {
        const v = clone(find(await objectsOf("dev"), "VerticalPodAutoscaler", "sysmanage-analytics"));
        v.spec.updatePolicy.updateMode = "Sometimes";
        v.spec.resourcePolicy.containerPolicies[0].maxAlowed = { cpu: "1" };
        const problems = await validateObject(v);
        assert.deepEqual(problems, [
            "autoscaling.k8s.io/v1 VerticalPodAutoscaler sysmanage-dev/sysmanage-analytics: spec.updatePolicy.updateMode: must be equal to one of the allowed values",
            "autoscaling.k8s.io/v1 VerticalPodAutoscaler sysmanage-dev/sysmanage-analytics: spec.resourcePolicy.containerPolicies[0].maxAlowed: unknown field",
        ]);
    });
    test("CRD (DNSEndpoint): unknown field and unknown metadata field", async () => {
        const e = clone(find(await objectsOf("dev"), "DNSEndpoint", "sysmanage-global"));
        e.spec.endpoints[0].weight = 5;
        e.metadata.label = {};
        assert.deepEqual(await validateObject(e), [
            "externaldns.k8s.io/v1alpha1 DNSEndpoint sysmanage-dev/sysmanage-global: spec.endpoints[0].weight: unknown field",
            "externaldns.k8s.io/v1alpha1 DNSEndpoint sysmanage-dev/sysmanage-global: metadata.label: unknown field",
        ]);
    });
    test("Gateway API model: a required field missing", async () => {
        const g = clone(find(await objectsOf("dev"), "Gateway", "sysmanage-us-east-1"));
        delete g.spec.gatewayClassName;
        assert.deepEqual(await validateObject(g), [
            "gateway.networking.k8s.io/v1 Gateway sysmanage-dev/sysmanage-us-east-1: spec: must have required property gatewayClassName",
        ]);
    });
    test("a kind with no known schema is an error, never a silent pass", async () => {
        const o: Obj = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } };
        assert.deepEqual(await validateObject(o), [
            "example.com/v1 Widget w: no schema known for example.com/v1 Widget; add its CRD or model package to tools/validation.ts",
        ]);
    });
    test("metadata.name is required", async () => {
        const o = clone(find(await objectsOf("dev"), "ServiceAccount", "sysmanage-api"));
        delete o.metadata.name;
        assert.deepEqual(await validateObject(o), ["v1 ServiceAccount sysmanage-dev/(no name): metadata.name: required"]);
    });
    test("fields under x-kubernetes-preserve-unknown-fields are allowed (CNPG Cluster spec.postgresql.parameters is a map)", async () => {
        const cluster: Obj = {
            apiVersion: "postgresql.cnpg.io/v1",
            kind: "Cluster",
            metadata: { name: "pg", namespace: "x" },
            spec: { instances: 2, storage: { size: "1Gi" }, postgresql: { parameters: { shared_buffers: "256MB", any_name: "1" } } },
        };
        assert.deepEqual(await validateObject(cluster), []);
        cluster.spec.instancez = 3;
        assert.deepEqual(await validateObject(cluster), ["postgresql.cnpg.io/v1 Cluster x/pg: spec.instancez: unknown field"]);
    });
});

/** The CEL-governed fields of an on-demand and a spot NodePool (5 requirements each: capacity, arch, os, zone, category). */
const NODEPOOL_CEL_FIELDS = [
    "spec",
    "spec.disruption.budgets",
    "spec.template.metadata.labels",
    "spec.template.spec.nodeClassRef",
    ...["group", "kind", "name"].map((f) => `spec.template.spec.nodeClassRef.${f}`),
    "spec.template.spec.requirements",
    ...[0, 1, 2, 3, 4].map((i) => `spec.template.spec.requirements[${i}].key`),
].map((f) => `NodePool: ${f}`);

describe("CEL rules (not run by JSON Schema)", () => {
    test("the CEL-governed fields our objects use are exactly those covered below (the VPA CRD's rules concern fields we do not use)", async () => {
        for (const stack of STACKS) {
            const governed = new Set(
                (await objectsOf(stack)).flatMap((o) => celGovernedFields(o as K8sObject).map((f) => `${o.kind}: ${f}`)),
            );
            const expected = [
                "Cluster: spec",
                "Cluster: spec.bootstrap.initdb",
                "Pooler: spec.cluster",
                "Pooler: spec.pgbouncer",
                ...(stack === "dev" || stack === "local" ? [] : ["ScheduledBackup: spec.cluster"]),
                // Karpenter's NodePools (staging, prod): their CEL rules run in the admission check
                // (admission/karpenter.ts, each fault in test/unit/admission/karpenter.test.ts).
                ...(stack === "dev" || stack === "local" ? [] : NODEPOOL_CEL_FIELDS),
            ];
            assert.deepEqual([...governed].sort(), expected.sort(), stack);
        }
    });
    test("CloudNativePG CEL rules hold: imageName xor imageCatalogRef; no locale fields without their provider; pgbouncer image xor catalog", async () => {
        for (const stack of STACKS) {
            for (const o of await objectsOf(stack)) {
                if (o.kind === "Cluster") {
                    assert.ok(!(o.spec.imageName && o.spec.imageCatalogRef), "imageName and imageCatalogRef are mutually exclusive");
                    const initdb = o.spec.bootstrap.initdb;
                    if (initdb) for (const k of ["builtinLocale", "icuLocale", "icuRules"]) assert.equal(initdb[k], undefined, k);
                }
                if (o.kind === "Pooler") assert.ok(!(o.spec.pgbouncer.image && o.spec.pgbouncer.imageCatalogRef));
            }
        }
    });
    test("CloudNativePG CEL rule 'cluster reference is immutable': Pooler and ScheduledBackup point at fixed names whatever the config, and are replaced, not updated, if it ever changes", async () => {
        const r = await rendered("prod");
        for (const x of r.resources.filter((x) => x.type.endsWith(":Pooler") || x.type.endsWith(":ScheduledBackup"))) {
            // prod's two shard clusters (issue 18) too: their names are fixed by their index.
            const fixed = ["sysmanage-pg", "sysmanage-pg-analytics", "sysmanage-pg-shard-0", "sysmanage-pg-shard-1"];
            assert.ok(fixed.includes((x.inputs as Obj).spec.cluster.name), x.name);
            assert.deepEqual(x.options.replaceOnChanges, ["spec.cluster"], x.name);
        }
    });
    test("celGovernedFields finds a CEL-governed field when one is used", () => {
        const cluster: Obj = {
            apiVersion: "postgresql.cnpg.io/v1",
            kind: "Cluster",
            metadata: { name: "pg", namespace: "x" },
            spec: { instances: 1, storage: { size: "1Gi" } },
        };
        const found = celGovernedFields(cluster);
        assert.ok(found.length > 0, "the CNPG Cluster schema has CEL rules on spec");
        assert.ok(
            found.every((f) => f === "(root)" || f.startsWith("spec")),
            found.join(","),
        );
    });
});

describe("the CRD schema cache", () => {
    test("a damaged or foreign cache entry is never trusted: the YAML is parsed again and the entry rewritten", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crd-cache-"));
        try {
            // A fresh process per run (the compiled validators are also kept in memory).
            const script = path.join(dir, "run.ts");
            fs.writeFileSync(
                script,
                `import { validateObject } from ${JSON.stringify(path.resolve(__dirname, "../../../tools/validation"))};
validateObject({ apiVersion: "autoscaling.k8s.io/v1", kind: "VerticalPodAutoscaler", metadata: { name: "v" },
  spec: { targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "d" }, updatePolicy: { updateMode: "Sometimes" } } })
  .then((p) => console.log(JSON.stringify(p)));\n`,
            );
            const run = () => {
                const r = spawnSync(process.execPath, ["--import", "tsx", script], {
                    encoding: "utf8",
                    env: { ...process.env, SYSMANAGE_CACHE_DIR: path.join(dir, "cache") },
                });
                assert.equal(r.status, 0, r.stderr);
                return JSON.parse(r.stdout) as string[];
            };
            const first = run();
            assert.equal(first.length, 1);
            assert.match(first[0], /updateMode/);
            const [entry] = fs.readdirSync(path.join(dir, "cache"));
            const good = fs.readFileSync(path.join(dir, "cache", entry), "utf8");
            for (const damaged of ["{}", "null", "not json", '{"type":"string"}']) {
                fs.writeFileSync(path.join(dir, "cache", entry), damaged);
                assert.deepEqual(run(), first, damaged);
                assert.equal(fs.readFileSync(path.join(dir, "cache", entry), "utf8"), good, damaged);
            }
            assert.deepEqual(fs.readdirSync(path.join(dir, "cache")), [entry]); // no temporary files left
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
