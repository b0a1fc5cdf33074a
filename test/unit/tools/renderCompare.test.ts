import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { compareResources, firstDifference } from "../../../tools/renderCompare";

const r = (type: string, name: string, inputs: unknown, parent = "app") => ({ type, name, inputs, options: { parent, dependsOn: [] } });
const byKey = (...rs: ReturnType<typeof r>[]) => new Map(rs.map((x) => [`${x.type}::${x.name}`, x]));

describe("render:compare", () => {
    test("firstDifference names the first differing path, or nothing when equal (key order aside)", () => {
        assert.equal(firstDifference({ a: 1, b: [1, { c: "x" }] }, { b: [1, { c: "x" }], a: 1 }), undefined);
        assert.equal(firstDifference({ a: 1, b: [1, { c: "x" }] }, { a: 1, b: [1, { c: "y" }] }), '/b/1/c: "x" → "y"');
        assert.equal(firstDifference({ a: 1 }, { a: 1, z: null }), "/z: undefined → null");
        assert.equal(firstDifference([1], { 0: 1 }), '/: [1] → {"0":1}');
    });
    test("added, removed and changed resources, one line each; a changed parent counts", () => {
        const base = byKey(r("k:Service", "a", { x: 1 }), r("k:Service", "b", { x: 1 }), r("k:Deployment", "d", { r: 1 }));
        const head = byKey(r("k:Service", "a", { x: 2 }), r("k:Deployment", "d", { r: 1 }, "other"), r("k:Secret", "s", {}));
        assert.deepEqual(compareResources(base, head), [
            "~ k:Service::a: /inputs/x: 1 → 2",
            "- k:Service::b: removed",
            '~ k:Deployment::d: /options/parent: "app" → "other"',
            "+ k:Secret::s: added",
        ]);
        assert.deepEqual(compareResources(base, base), []);
    });
});
