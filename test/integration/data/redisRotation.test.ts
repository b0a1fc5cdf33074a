/**
 * Redis password rotation (`redis.credentialsVersion`, docs/data-tier.md "Rotating the
 * passwords") on real redis-servers with prod's generated directives and the AUTH lines the pods
 * get: the redis image's entrypoint (quay.io/opstree/redis, OT-CONTAINER-KIT/redis entrypoint.sh,
 * `set_redis_password`) writes `masterauth` and `requirepass` from the env `REDIS_PASSWORD` (the
 * Secret) into redis.conf when the container starts, and includes our directives after them.
 * A restarted pod is a server stopped and started again with the new password in its config.
 *
 * - one update (what `pulumi up` does): a restarted server refuses the old password and takes
 *   the new one, and a replica still on the old password cannot sync from a restarted master
 *   until it restarts too (the operator rolls the masters first): the blip the docs describe;
 * - two phases (the refusal-free procedure): `ACL SETUSER default >new` and `CONFIG SET
 *   masterauth` on the running servers first; both passwords work, the replica syncs while the
 *   nodes restart with the new password only (never an AUTH refusal), and the old one is refused
 *   once all have.
 *
 *   node --import tsx --test test/integration/data/redisRotation.test.ts
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { dataTierPlan } from "../../../plan/dataTier";
import { freePorts, RedisNode, Servers, stackAppConfig, waitFor, parseClusterNodes } from "../../support/servers";

const OLD = "old-password-0123456789";
const NEW = "new-password-9876543210";
const REFUSED = "WRONGPASS invalid username-password pair or user is disabled.";

const plan = dataTierPlan(stackAppConfig("prod"));
/** A pod's redis.conf: the entrypoint's AUTH lines, then our directives (the operator's ConfigMap). */
const podConfig = (password: string) => ({ masterauth: password, requirepass: password, ...plan.redis!.config });

const linkStatus = async (replica: RedisNode) => (await replica.info(["INFO", "replication"])).get("master_link_status");

/** A master serving every slot and its replica, both started with `password`; resolves once the replica is in sync. */
async function pair(servers: Servers, name: string, password: string): Promise<[RedisNode, RedisNode]> {
    const [mp, mb, rp, rb] = await freePorts(4);
    const master = new RedisNode(servers, `${name}-master`, mp, mb);
    const replica = new RedisNode(servers, `${name}-replica`, rp, rb);
    await Promise.all([master.start(podConfig(password)), replica.start(podConfig(password))]);
    await master.serveAllSlots();
    await replica.cli(["CLUSTER", "MEET", "127.0.0.1", String(mp), String(mb)]);
    const masterId = (await master.cli(["CLUSTER", "MYID"])).trim();
    await waitFor(`${name}: the replica knows the master`, 10_000, async () =>
        parseClusterNodes(await replica.cli(["CLUSTER", "NODES"])).some((n) => n.id === masterId) ? true : undefined,
    );
    await replica.cli(["CLUSTER", "REPLICATE", masterId]);
    await waitFor(`${name}: replica in sync`, 15_000, async () => ((await linkStatus(replica)) === "up" ? true : undefined));
    return [master, replica];
}

/** Restarts a node as a rolled pod: the same node (nodes.conf, port), `password` in its config. */
async function restart(node: RedisNode, password: string): Promise<void> {
    await node.stop();
    await node.start(podConfig(password));
}

describe("Redis password rotation on real redis-servers", () => {
    let servers: Servers;
    before(() => (servers = new Servers("sysmanage-redis-rotation-")));
    after(async () => {
        await servers.stopAll();
    });

    test(
        "one update: a restarted server takes only the new password; a replica on the old one cannot sync until it restarts too",
        { timeout: 60_000 },
        async () => {
            const [master, replica] = await pair(servers, "one", OLD);
            assert.equal(await master.authAs(OLD), "OK");
            // The operator rolls the leaders' StatefulSet first: the master restarts with the new Secret.
            await restart(master, NEW);
            assert.equal(await master.authAs(OLD), REFUSED);
            assert.equal(await master.authAs(NEW), "OK");
            // Not rolled yet: the replica still holds the old password (clients on it keep working).
            assert.equal(await replica.authAs(OLD), "OK");
            assert.equal(await replica.authAs(NEW), REFUSED);
            // Its masterauth is the old one: the restarted master refuses the replication link.
            await waitFor("the replica logs the refused AUTH", 20_000, () =>
                Promise.resolve(fs.readFileSync(replica.logFile, "utf8").includes("Unable to AUTH to MASTER") ? true : undefined),
            );
            assert.equal(await linkStatus(replica), "down");
            // The followers roll: the link comes back with the new password on both sides.
            await restart(replica, NEW);
            await waitFor("replica in sync after both restarts", 20_000, async () =>
                (await linkStatus(replica)) === "up" ? true : undefined,
            );
            assert.equal(await replica.authAs(OLD), REFUSED);
            assert.equal(await replica.authAs(NEW), "OK");
        },
    );

    test(
        "two phases: both passwords work after ACL SETUSER >new, the replica syncs with every mix of restarted and running nodes (never refused), the old password is gone once every node restarted",
        { timeout: 60_000 },
        async () => {
            const [master, replica] = await pair(servers, "two", OLD);
            // Phase 1, on every running node: add the new password (the old one stays) and replicate with it.
            for (const n of [master, replica]) {
                assert.equal((await n.cli(["ACL", "SETUSER", "default", `>${NEW}`])).trim(), "OK");
                assert.equal((await n.cli(["CONFIG", "SET", "masterauth", NEW])).trim(), "OK");
                assert.deepEqual([await n.authAs(OLD), await n.authAs(NEW)], ["OK", "OK"], n.name);
            }
            // Phase 2: the pods roll; a restarted node has the new password only, the others still both.
            await restart(master, NEW);
            assert.deepEqual([await master.authAs(OLD), await master.authAs(NEW)], [REFUSED, "OK"]);
            assert.deepEqual([await replica.authAs(OLD), await replica.authAs(NEW)], ["OK", "OK"]);
            await waitFor("replica in sync with the restarted master", 20_000, async () =>
                (await linkStatus(replica)) === "up" ? true : undefined,
            );
            await restart(replica, NEW);
            await waitFor("replica in sync after its own restart", 20_000, async () =>
                (await linkStatus(replica)) === "up" ? true : undefined,
            );
            for (const n of [master, replica]) assert.deepEqual([await n.authAs(OLD), await n.authAs(NEW)], [REFUSED, "OK"], n.name);
            assert.equal(fs.readFileSync(replica.logFile, "utf8").includes("Unable to AUTH to MASTER"), false);
        },
    );
});
