/** previousOutputs: reads this stack's last deployment through a StackReference to itself, under the mock runtime. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { previousOutputs } from "../../../../components/data/previousOutputs";
import { declared, MOCK_STACK } from "../../../support/components";

const self = {
    type: "pulumi:pulumi:StackReference",
    name: "self",
    inputs: { name: `${MOCK_STACK.organization}/${MOCK_STACK.project}/${MOCK_STACK.stack}` },
    options: { dependsOn: [], ignoreChanges: [] },
};

describe("previousOutputs", () => {
    it("reads an output of the stack's last deployment through a StackReference named after the stack itself", async () => {
        const { value, resources } = await declared(() => previousOutputs(["dataTier", "forecast"]), {
            previousOutputs: { dataTier: { redis: { masters: 3 } }, forecast: { schedules: {} } },
        });
        assert.deepEqual(value, { dataTier: { redis: { masters: 3 } }, forecast: { schedules: {} } });
        // One reference for every key.
        assert.deepEqual(resources, [self]);
    });

    it("a secret output is read too", async () => {
        const { value } = await declared(() => previousOutputs(["dataTier"]), {
            previousOutputs: { dataTier: { redis: { masters: 6 } } },
            secretOutputNames: ["dataTier"],
        });
        assert.deepEqual(value, { dataTier: { redis: { masters: 6 } } });
    });

    it("undefined before the first deployment, or when the last one had no such output", async () => {
        assert.deepEqual((await declared(() => previousOutputs(["dataTier"]))).value, { dataTier: undefined });
        assert.deepEqual((await declared(() => previousOutputs(["dataTier"]), { previousOutputs: { namespace: "sysmanage" } })).value, {
            dataTier: undefined,
        });
    });
});
