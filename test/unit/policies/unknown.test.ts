import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { isUnknownError, known, UNKNOWN } from "../../../policies/lib/unknown";

interface ProxyModule {
    unknownCheckingProxy: <T>(o: T) => T;
    unknownStringValue: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as ProxyModule;

describe("unknown values: our constants are the engine's", () => {
    test("the sentinel is @pulumi/policy's unknown string value", () => {
        assert.equal(UNKNOWN, proxy.unknownStringValue);
    });
    test("reading an unknown value through the engine's proxy is recognised, and known() turns it into undefined", () => {
        const props = proxy.unknownCheckingProxy({ spec: { replicas: UNKNOWN, name: "x" } });
        assert.throws(
            () => props.spec.replicas,
            (e: unknown) => isUnknownError(e),
        );
        assert.equal(
            known(() => props.spec.replicas),
            undefined,
        );
        assert.equal(
            known(() => props.spec.name),
            "x",
        );
        assert.equal(isUnknownError(new Error("other")), false);
    });
});
