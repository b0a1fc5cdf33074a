/**
 * Issue 19 finding 7: timeouts belong to the application roles, not the server, and a read role's
 * statement_timeout is at most the max_standby_streaming_delay of the cluster it reads from, so a
 * read the role allows is not cancelled by a replication conflict first.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { postgresParameters } from "../../../lib/data/postgresParams";
import { privilegePlan } from "../../../lib/data/privileges";
import { PROD_SIZING } from "../../support/postgresSizing";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
const ms = (v: string) => {
    const m = /^([0-9]+)(ms|s|min|h)?$/.exec(v);
    assert.ok(m, `duration ${v}`);
    return Number(m[1]) * UNIT_MS[m[2] ?? "ms"];
};

describe("role timeouts", () => {
    const main = postgresParameters(PROD_SIZING);
    const analytics = postgresParameters({ ...PROD_SIZING, memory: "16Gi", cpu: "4", profile: "analytics" });

    it("the servers set none (migrations, index builds and VACUUM run as the owner/admin and must not be cut)", () => {
        for (const p of [main, analytics]) assert.deepEqual([p.statement_timeout, p.idle_in_transaction_session_timeout], ["0", "0"]);
    });

    it("every login role has both timeouts, and a replica read is not cancelled by replay before its own timeout", () => {
        const delay = { read: ms(main.max_standby_streaming_delay), analytics: ms(analytics.max_standby_streaming_delay) };
        assert.deepEqual(delay, { read: 30_000, analytics: 3_600_000 });
        for (const r of privilegePlan().roles) {
            assert.ok(r.statementTimeoutMs > 0 && r.idleInTransactionTimeoutMs > 0, r.role);
            if (r.via !== "write")
                assert.ok(r.statementTimeoutMs <= delay[r.via], `${r.role}: ${r.statementTimeoutMs} ms > ${delay[r.via]} ms`);
        }
        for (const p of [main, analytics]) assert.equal(p.max_standby_archive_delay, p.max_standby_streaming_delay);
        // The main cluster's replicas feed back (bloat bounded by the read role's timeouts); the analytics one does not.
        assert.deepEqual([main.hot_standby_feedback, analytics.hot_standby_feedback], ["on", "off"]);
    });
});
