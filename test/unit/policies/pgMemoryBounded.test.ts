/**
 * `pg-memory-bounded` at its boundaries (issue 20). The fixture's Cluster app/pg, worked in MiB:
 * 784 shared (768 + 16 wal_buffers) + (200 + 2) x 2 + 128 maintenance + 3 x 64 autovacuum + 128
 * processes = 1636, plus each active backend's 8 MiB executor state and, with the two parallel
 * workers, (active + 2) x 2 nodes x work_mem 4 x hash_mem_multiplier 2. A 3000Mi limit leaves
 * exactly 2700 MiB (90 %).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pgMemoryBounded as rule } from "../../../policies/rules/pgMemoryBounded";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { copiedIn, fixture, messages, mutated, published } from "../../support/policy";

const PG = "Cluster app/pg";
/** The fixture's Cluster with a 3000Mi limit and `active` backends (2 query-memory nodes). */
const at3000 = (active: unknown) =>
    mutated("pg-cluster", (i) => {
        i.spec.resources.limits.memory = "3000Mi";
        i.metadata.annotations = { "sysmanage.io/active-backends": active, "sysmanage.io/query-memory-nodes": "2" };
    });
const bad = (key: string, v: string) => `${PG}: annotation ${key} is "${v}"; it must be a whole number >= 1.`;

describe("pg-memory-bounded: boundaries", () => {
    it("a worst case equal to the limit less 10 % fits; one more active backend does not", async () => {
        // 43: 1636 + 43 x 8 + 45 x 16 = 2700. 44: 1636 + 352 + 46 x 16 = 2724; work_mem (2700 - 1988) / 184 = 3.9.
        assert.deepEqual(await messages(rule, at3000("43")), []);
        assert.deepEqual(await messages(rule, at3000("44")), [
            `${PG}: each instance can use more memory than its limit 3000Mi allows: shared_buffers + wal_buffers 784 MiB + (200 connections + 2 parallel workers) × 2 MiB + (44 active backends + 2 parallel workers) × 2 nodes × work_mem 4 MiB × hash_mem_multiplier 2 + 44 × 8 MiB executor state + maintenance_work_mem 128 MiB + autovacuum 3 × 64 MiB + processes 128 MiB = 2724 MiB > 2700 MiB (the limit less 10 %); lower work_mem to 3MB or less, lower max_connections or the poolers' server connections, or raise the memory limit.`,
        ]);
    });
    it("advises a work_mem down to 1MB, none below", async () => {
        // 88: (2700 - 1636 - 704) / (90 x 4) = 1 MiB exactly. 89: (2700 - 2348) / 364 = 0.97.
        assert.match(
            (await messages(rule, at3000("88")))[0],
            / > 2700 MiB \(the limit less 10 %\); lower work_mem to 1MB or less, lower max_connections/,
        );
        assert.match((await messages(rule, at3000("89")))[0], / > 2700 MiB \(the limit less 10 %\); lower max_connections/);
    });
    it("the active-backends annotation may equal the poolers' 30 connections, not fall below", async () => {
        assert.deepEqual(await messages(rule, at3000("30")), []);
        assert.deepEqual(await messages(rule, at3000("29")), [
            `${PG}: annotation sysmanage.io/active-backends is 29, below the 30 server connections its poolers may open to one instance; the memory model must count them all.`,
        ]);
    });
    it("annotations are whole numbers from 1 to 999999, written as strings", async () => {
        // Not a number: the model then counts every connection but the reserve, 197: 1636 + 197 x 8 + 199 x 16 = 6396.
        const key = "sysmanage.io/active-backends";
        const all =
            `${PG}: each instance can use more memory than its limit 3000Mi allows (without a sysmanage.io/active-backends annotation every connection but the superuser reserve may run a query): ` +
            "shared_buffers + wal_buffers 784 MiB + (200 connections + 2 parallel workers) × 2 MiB + (197 active backends + 2 parallel workers) × 2 nodes × work_mem 4 MiB × hash_mem_multiplier 2 + 197 × 8 MiB executor state + maintenance_work_mem 128 MiB + autovacuum 3 × 64 MiB + processes 128 MiB = 6396 MiB > 2700 MiB (the limit less 10 %); lower max_connections or the poolers' server connections, or raise the memory limit.";
        for (const v of ["x40", "40x", "0", "1000000", "4.5"]) assert.deepEqual(await messages(rule, at3000(v)), [bad(key, v), all], v);
        assert.deepEqual(await messages(rule, at3000(40)), [bad(key, "40"), all]);
        assert.deepEqual(await messages(rule, at3000("999999")).then((m) => m.length), 1); // fits no memory, but is a number
    });
});

describe("pg-memory-bounded: clusters and poolers", () => {
    it("a Cluster of another API group is not checked; an unknown pooler skips its cluster", async () => {
        const capi = copiedIn("capi", "pg-cluster", (i) => delete i.spec.resources);
        capi.type = "kubernetes:cluster.x-k8s.io/v1beta1:Cluster";
        capi.inputs.apiVersion = "cluster.x-k8s.io/v1beta1";
        assert.deepEqual(await messages(rule, [...fixture(), capi]), []);
        const unknown = mutated("pg-rw-pooler", (i) => (i.spec.instances = UNKNOWN), at3000("89"));
        assert.deepEqual(await messages(rule, unknown), []);
    });
    it("what the pack publishes", () => {
        assert.deepEqual(published(rule), {
            name: "pg-memory-bounded",
            enforcementLevel: "mandatory",
            severity: "high",
            remediationSteps:
                "Lower work_mem, max_connections or the poolers' server connections, or raise the instance's memory limit (the program sizes work_mem to fit: keep its parameters).",
            inCatalogue: true,
        });
        assert.deepEqual(rule.configSchema, {
            properties: {
                nodesPerQuery: {
                    type: "integer",
                    minimum: 1,
                    default: 2,
                    description: "Sort/hash nodes per query when the Cluster has no sysmanage.io/query-memory-nodes annotation.",
                },
                dbUserPairs: {
                    type: "integer",
                    minimum: 1,
                    default: 1,
                    description: "Database/user pairs each pooler serves (a pool per pair).",
                },
            },
        });
    });
});
