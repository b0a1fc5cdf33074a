/**
 * Issue 19 finding 5: the WAL volume check counts what replication slots may keep
 * (max_slot_wal_keep_size), not only max_wal_size + wal_keep_size.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { postgresParameters, walVolumeProblem, WalVolumeError } from "../../../lib/data/postgresParams";
import { PROD_SIZING } from "../../support/postgresSizing";

const sizeMB = (v: string) => parseInt(v, 10) * (v.endsWith("GB") ? 1024 : 1);
/** The check before issue 19: max_wal_size + wal_keep_size within 90 % of the volume. */
const oldCheckAccepts = (volumeMiB: number, w: { max_wal_size: string; wal_keep_size: string }) =>
    sizeMB(w.max_wal_size) + sizeMB(w.wal_keep_size) <= volumeMiB * 0.9;

const prod = PROD_SIZING;

describe("walVolumeProblem", () => {
    it("refuses prod's WAL settings before issue 19 (no max_slot_wal_keep_size: slots unbounded), which the old check accepted", () => {
        const before = { max_wal_size: "4096MB", wal_keep_size: "8GB" };
        assert.equal(oldCheckAccepts(20 * 1024, before), true);
        assert.equal(
            walVolumeProblem("20Gi", before),
            "max_slot_wal_keep_size is unlimited (-1): a replication slot of a dead replica keeps WAL until WAL volume 20Gi is full; set it to at most 14336MB (20Gi less max_wal_size 4096MB and 10 % headroom)",
        );
        assert.equal(walVolumeProblem("20Gi", { ...before, max_slot_wal_keep_size: "-1" }), walVolumeProblem("20Gi", before));
    });

    it("refuses a slot cap whose worst case (max_wal_size + max(wal_keep_size, slot cap) + 10 %) exceeds the volume, naming the keys and numbers", () => {
        const w = { max_wal_size: "4096MB", wal_keep_size: "8GB", max_slot_wal_keep_size: "16GB" };
        assert.equal(oldCheckAccepts(20 * 1024, w), true);
        assert.equal(
            walVolumeProblem("20Gi", w),
            "WAL volume 20Gi cannot hold max_wal_size 4096MB + max_slot_wal_keep_size 16GB (20480MB) with 10 % to spare (18432MB): a lagging replica's slot would fill it; lower max_slot_wal_keep_size to 14336MB or raise postgres.walStorageSize",
        );
        // 4096 + 14336 = 18432 MB = 90 % of 20 GiB exactly: accepted; one segment more is not.
        assert.equal(walVolumeProblem("20Gi", { ...w, max_slot_wal_keep_size: "14336MB" }), undefined);
        assert.match(
            walVolumeProblem("20Gi", { ...w, max_slot_wal_keep_size: "14352MB" }) ?? "",
            /cannot hold max_wal_size 4096MB \+ max_slot/,
        );
    });

    it("names wal_keep_size when it, not the slot cap, overflows", () => {
        assert.equal(
            walVolumeProblem("10Gi", { max_wal_size: "4096MB", wal_keep_size: "8GB", max_slot_wal_keep_size: "1024MB" }),
            "WAL volume 10Gi cannot hold max_wal_size 4096MB + wal_keep_size 8GB with 10 % to spare; raise postgres.walStorageSize or lower postgres.walKeepSize",
        );
    });
});

describe("postgresParameters: max_slot_wal_keep_size from the WAL volume", () => {
    it("renders what the volume holds beyond max_wal_size and 10 %, in whole 16MB segments, for each stack's volume", () => {
        const rendered = (walStorageSize: string, walKeepSize: string) => {
            const p = postgresParameters({ ...prod, walStorageSize, walKeepSize });
            return [p.max_wal_size, p.wal_keep_size, p.max_slot_wal_keep_size];
        };
        assert.deepEqual(
            [rendered("2Gi", "512MB"), rendered("2Gi", "256MB"), rendered("10Gi", "4GB"), rendered("20Gi", "8GB")],
            [
                ["819MB", "512MB", "1024MB"], // dev: 819 + 1024 = 1843 <= 1843.2
                ["819MB", "256MB", "1024MB"], // local
                ["4096MB", "4GB", "5120MB"], // staging: 4096 + 5120 = 9216 = 90 % of 10 GiB
                ["4096MB", "8GB", "14336MB"], // prod: 4096 + 14336 = 18432 = 90 % of 20 GiB
            ],
        );
        for (const p of [postgresParameters(prod), postgresParameters({ ...prod, profile: "analytics" })]) {
            const { max_wal_size, wal_keep_size, max_slot_wal_keep_size } = p;
            assert.equal(walVolumeProblem("20Gi", { max_wal_size, wal_keep_size, max_slot_wal_keep_size }), undefined);
            assert.equal(sizeMB(max_slot_wal_keep_size) % 16, 0);
            assert.ok(sizeMB(max_slot_wal_keep_size) >= sizeMB(wal_keep_size));
        }
    });

    it("still refuses a wal_keep_size the volume cannot hold, with the same message", () => {
        const tooSmall = () => postgresParameters({ ...prod, walStorageSize: "10Gi" });
        assert.throws(tooSmall, WalVolumeError);
        assert.throws(tooSmall, {
            message:
                "WAL volume 10Gi cannot hold max_wal_size 4096MB + wal_keep_size 8GB with 10 % to spare; raise postgres.walStorageSize or lower postgres.walKeepSize",
        });
    });
});
