/**
 * The connection settings of every rendered Deployment against the contract table in
 * docs/data-tier.md, and the credentials version that rolls them on a rotation.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { admit, formatViolation } from "../../../admission";
import { MOCK_PASSWORD, kubernetesObjects, PROJECT_DIR } from "../../../tools/mockRuntime";
import { objectsOf, rendered, renderWith, STACKS, prodRaw, type Obj } from "../../support/render";

interface Row {
    readonly name: string;
    readonly workloads: readonly string[];
    readonly from: string;
}

/** The rows of the "Connection settings" table (the docs are the contract; nothing here derives from the program). */
function contract(): Row[] {
    const md = fs.readFileSync(path.join(PROJECT_DIR, "docs/data-tier.md"), "utf8");
    const start = md.indexOf("| variable ");
    assert.ok(start > 0, "docs/data-tier.md has the connection settings table");
    const lines = md.slice(start).split("\n");
    const rows = lines.slice(
        2,
        lines.findIndex((l) => !l.startsWith("|")),
    );
    return rows.map((l) => {
        const [name, workloads, from] = l
            .split("|")
            .slice(1, 4)
            .map((c) => c.trim());
        return { name: name.replace(/`/g, ""), workloads: workloads.split(",").map((w) => w.trim()), from };
    });
}

/** Rows of a tier the stack does not declare name nothing it has: Redis rows need a RedisCluster, database rows a Postgres Cluster, shard rows a shard Cluster. */
const declared = (row: Row, objects: Obj[]) =>
    row.name.includes("SHARD")
        ? objects.some((o) => o.kind === "Cluster" && o.metadata.labels?.["sysmanage.io/shard"] !== undefined)
        : row.name.includes("REDIS")
          ? objects.some((o) => o.kind === "RedisCluster")
          : row.name.includes("DATABASE")
            ? objects.some((o) => o.kind === "Cluster")
            : true;

function assertEnvMatches(d: Obj, rows: Row[], secrets: Set<string>): void {
    const env = d.spec.template.spec.containers[0].env as Obj[];
    const where = d.metadata.name;
    assert.deepEqual(
        env.map((e) => e.name),
        rows.map((r) => r.name),
        where,
    );
    env.forEach((e, i) => {
        const secret = /^Secret `([^`]+)`, key `([^`]+)`$/.exec(rows[i].from);
        const literal = /^value: `([^`<]+)`$/.exec(rows[i].from);
        if (secret) {
            assert.deepEqual(e, { name: e.name, valueFrom: { secretKeyRef: { name: secret[1], key: secret[2] } } }, `${where} ${e.name}`);
            assert.ok(secrets.has(secret[1]), `${where} ${e.name}: Secret ${secret[1]} is declared`);
        } else {
            assert.match(rows[i].from, /^value: /, `${where} ${e.name}`);
            assert.equal(typeof e.value, "string", `${where} ${e.name} is a plain value`);
            if (literal) assert.equal(e.value, literal[1], `${where} ${e.name}`);
        }
    });
}

/** A Deployment of the app (the overprovisioning placeholders, label sysmanage.io/role=placeholder, run pause). */
const isAppDeployment = (o: Obj): boolean => o.kind === "Deployment" && o.metadata?.labels?.["sysmanage.io/role"] !== "placeholder";

describe("connection settings: the rendered Deployments match the contract in docs/data-tier.md", () => {
    const rows = contract();
    test("the table lists the twelve variables", () => {
        assert.equal(rows.length, 12);
    });
    /** Each app Deployment's env is its rows of the table, in order, from Secrets the stack declares. */
    const check = (objects: Obj[]) => {
        const secrets = new Set(objects.filter((o) => o.kind === "Secret").map((o) => o.metadata.name as string));
        const deployments = objects.filter(isAppDeployment);
        // Six (not the overprovisioning placeholders, which connect to nothing), and in prod the on-demand floors of the spot pools report and cleanup (same env).
        assert.equal(deployments.length, objects.some((o) => o.metadata.name === "sysmanage-worker-report-on-demand") ? 8 : 6);
        for (const d of deployments) {
            const component = d.metadata.labels["app.kubernetes.io/component"];
            assertEnvMatches(
                d,
                rows.filter((r) => r.workloads.includes(component) && declared(r, objects)),
                secrets,
            );
        }
        return deployments.flatMap((d) => d.spec.template.spec.containers[0].env.map((e: Obj) => e.name as string));
    };
    for (const stack of STACKS) {
        test(`${stack}: every Deployment's env is its rows of the table, in order, from Secrets the stack declares`, async () => {
            const names = check(await objectsOf(stack));
            // API + 4 pools × (write, read, nodes, password), the API's session store × 2, analytics × 1, pools × 2 of their own;
            // in prod the two on-demand floors × 6 as their pools (staging's spot pools scale to zero: no floor); prod's
            // two shards: the API, the 4 pools and the 2 floors × (map, shard 0, shard 1).
            const floors = stack === "prod" ? 2 : 0;
            assert.equal(names.length, 5 * 4 + 2 + 1 + 4 * 2 + floors * 6 + (stack === "prod" ? (5 + floors) * 3 : 0));
        });
    }
    const disabled = [
        // API + pools × (write, read), the API's session store is gone with Redis, analytics × 1, pools × 2 of their own.
        { stack: "local", tier: "Redis", overrides: { redis: { enabled: false } }, absent: "REDIS", count: 5 * 2 + 1 + 4 * 2 },
        // API + pools × (nodes, password), the API's session store × 2, analytics has nothing, pools × 2 of their own.
        { stack: "dev", tier: "Postgres", overrides: { postgres: { enabled: false } }, absent: "DATABASE", count: 5 * 2 + 2 + 4 * 2 },
    ];
    for (const d of disabled)
        test(`${d.stack} with ${d.tier} off: no Deployment references it or its Secrets`, async () => {
            const names = check(kubernetesObjects((await renderWith(d.stack, d.overrides)).resources));
            assert.equal(names.length, d.count);
            assert.deepEqual(
                names.filter((n) => n.includes(d.absent)),
                [],
            );
        });
});

describe("a credential rotation rolls the connected pods", () => {
    const ANNOTATION = "sysmanage.io/credentials-version";
    const passwords = (r: Awaited<ReturnType<typeof rendered>>) =>
        r.resources
            .filter((x) => x.type === "random:index/randomPassword:RandomPassword" && x.name.startsWith("db-roles-"))
            .sort((a, b) => a.name.localeCompare(b.name));

    test("prod as deployed: version 1, no keepers (the passwords a stack has are kept)", async () => {
        const r = await rendered("prod");
        assert.deepEqual(
            passwords(r).map((p) => [p.name, p.inputs.keepers]),
            [
                ["db-roles-shard-0-sysmanage_write-password", undefined],
                ["db-roles-shard-1-sysmanage_write-password", undefined],
                ["db-roles-sysmanage_analytics-password", undefined],
                ["db-roles-sysmanage_read-password", undefined],
                ["db-roles-sysmanage_write-password", undefined],
            ],
        );
        for (const d of (kubernetesObjects(r.resources) as Obj[]).filter(isAppDeployment))
            assert.equal(d.spec.template.metadata.annotations[ANNOTATION], "1", d.metadata.name);
    });

    test("databaseAccess.credentialsVersion 2 changes every role password's keepers and every Deployment's pod annotation, and nothing secret is in them", async () => {
        const r = await renderWith("prod", prodRaw({ databaseAccess: { credentialsVersion: 2 } }));
        assert.deepEqual(
            passwords(r).map((p) => p.inputs.keepers),
            // The main cluster's three roles and each shard's write role.
            Array.from({ length: 5 }, () => ({ credentialsVersion: "2" })),
        );
        const deployments = (kubernetesObjects(r.resources) as Obj[]).filter(isAppDeployment);
        // The six and prod's two on-demand floors (report and cleanup on spot).
        assert.equal(deployments.length, 8);
        for (const d of deployments) {
            assert.equal(d.spec.template.metadata.annotations[ANNOTATION], "2", d.metadata.name);
            assert.equal(JSON.stringify(d).includes(MOCK_PASSWORD), false, `${d.metadata.name} holds no password`);
        }
    });
});

describe("the Deployments wait for the credential Secrets they read (a rotated password is in its Secret before the pods roll)", () => {
    const dependsOn = (r: Awaited<ReturnType<typeof rendered>>) =>
        Object.fromEntries(r.resources.filter((x) => x.type === "kubernetes:apps/v1:Deployment").map((d) => [d.name, d.options.dependsOn]));
    const WRITE = "db-roles-sysmanage_write-secret";
    const READ = "db-roles-sysmanage_read-secret";
    // prod's two shards: each one's write role Secret, then the map's ConfigMap.
    const SHARDS = ["db-roles-shard-0-sysmanage_write-secret", "db-roles-shard-1-sysmanage_write-secret", "shard-map-configmap"];

    test("prod: each Deployment depends on its ServiceAccount and exactly the Secrets of its env, in env order", async () => {
        const worker = (w: string) => [`worker-${w}-sa`, WRITE, READ, "redis-auth", ...SHARDS];
        assert.deepEqual(dependsOn(await rendered("prod")), {
            "api-deployment": ["api-sa", WRITE, READ, "redis-auth", "redis-sessions-auth", ...SHARDS],
            "worker-queue-deployment": worker("queue"),
            "worker-agent-deployment": worker("agent"),
            "worker-report-deployment": worker("report"),
            "worker-cleanup-deployment": worker("cleanup"),
            // The spot pools' on-demand floors run as the pool's ServiceAccount, with its env.
            "worker-report-on-demand-deployment": worker("report"),
            "worker-cleanup-on-demand-deployment": worker("cleanup"),
            "analytics-deployment": ["analytics-sa", "db-roles-sysmanage_analytics-secret"],
            // The overprovisioning placeholders read nothing; their PriorityClass must exist first.
            overprovisioning: ["priority-overprovisioning"],
        });
    });

    test("prod without Redis: no Redis Secret to wait for", async () => {
        const r = await renderWith("prod", prodRaw({ redis: { enabled: false } }));
        assert.deepEqual(dependsOn(r)["api-deployment"], ["api-sa", WRITE, READ, ...SHARDS]);
    });
});

describe("pooler.readFallback: where reads go when every replica is down", () => {
    const readPath = (objects: Obj[]) => {
        const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === "sysmanage-read")!;
        const pooler = objects.find((o) => o.kind === "Pooler" && o.metadata.name === secret.stringData.host)!;
        return [secret.stringData.host, pooler.spec.type];
    };
    test("prod (none): the read Secret points at the -ro pooler (replicas only)", async () => {
        assert.deepEqual(readPath(await objectsOf("prod")), ["sysmanage-pg-pooler-ro", "ro"]);
    });
    test("prod with primary: the read Secret points at the -r pooler (any instance), and a cluster admits it", async () => {
        const objects = kubernetesObjects((await renderWith("prod", prodRaw({ pooler: { readFallback: "primary" } }))).resources) as Obj[];
        assert.deepEqual(readPath(objects), ["sysmanage-pg-pooler-r", "r"]);
        assert.deepEqual(admit(objects).map(formatViolation), []);
    });
});
