/**
 * Issue 15: the forecast's series mapping names pods the stack declares. Every `pod=~"..."`
 * matcher in a stack file's `forecast.series.*.query` (what `npm run forecast:refresh` asks
 * Prometheus for) must select the pods of an object this stack renders: a Deployment's pods
 * (`<name>-<replicaset>-<id>`), a Pooler's (CloudNativePG runs them as a Deployment of the same
 * name), a Cluster's instances (`<cluster>-<n>`) or a RedisCluster's (`<name>-leader-<n>`,
 * `<name>-follower-<n>`). A query that selects nothing exports an empty series, and the forecast
 * would keep the configured count for a reason nobody sees.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { objectsOf, STACKS } from "../../support/render";

/** Pod names the rendered objects run, one example each (the controllers' naming). */
function podNames(objects: { kind: string; metadata: { name: string } }[]): string[] {
    return objects.flatMap((o) => {
        const n = o.metadata.name;
        if (o.kind === "Deployment" || o.kind === "Pooler") return [`${n}-5d8f7c9b6-x2k4p`];
        if (o.kind === "Cluster") return [`${n}-1`, `${n}-2`];
        if (o.kind === "RedisCluster") return [`${n}-leader-0`, `${n}-follower-0`];
        return [];
    });
}

/** Every `pod=~"re"` in the queries under forecast.series, with the key it is under. */
function podMatchers(stack: string): { key: string; regex: string }[] {
    const file = parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as {
        config?: Record<string, unknown>;
    };
    const series = (file.config?.["sysmanage-scaling:forecast"] as { series?: unknown } | undefined)?.series;
    const out: { key: string; regex: string }[] = [];
    const walk = (v: unknown, key: string) => {
        if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${key}.${k}`);
        else if (typeof v === "string" && key.endsWith(".query"))
            for (const m of v.matchAll(/pod=~"([^"]*)"/g)) out.push({ key, regex: m[1] });
    };
    walk(series, "forecast.series");
    return out;
}

describe("the forecast's series queries select pods the stack declares", () => {
    for (const stack of STACKS)
        test(`${stack}: every pod matcher of forecast.series selects a declared pod`, async () => {
            const pods = podNames((await objectsOf(stack)) as never);
            const unmatched = podMatchers(stack).filter(({ regex }) => !pods.some((p) => new RegExp(`^(?:${regex})$`).test(p)));
            assert.deepEqual(
                unmatched.map(({ key, regex }) => `${key}: pod=~"${regex}"`),
                [],
            );
        });

    test("the check sees a matcher that selects nothing (the read pooler's name before issue 15)", () => {
        const pods = podNames([{ kind: "Pooler", metadata: { name: "sysmanage-pg-pooler-ro" } }]);
        assert.equal(
            pods.some((p) => /^(?:sysmanage-pg-(r|ro)-.*)$/.test(p)),
            false,
        );
        assert.equal(
            pods.some((p) => /^(?:sysmanage-pg-pooler-(r|ro)-.*)$/.test(p)),
            true,
        );
    });
});
