/** previousOutput: reads this stack's last deployment through a StackReference to itself, under the mock runtime. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { previousOutput } from "../../../../components/data/previousOutputs";
import { declared, MOCK_STACK } from "../../../support/components";

const self = {
    type: "pulumi:pulumi:StackReference",
    name: "self",
    inputs: { name: `${MOCK_STACK.organization}/${MOCK_STACK.project}/${MOCK_STACK.stack}` },
    options: { dependsOn: [], ignoreChanges: [] },
};

describe("previousOutput", () => {
    it("reads an output of the stack's last deployment through a StackReference named after the stack itself", async () => {
        const { value, resources } = await declared(() => previousOutput("dataTier"), {
            previousOutputs: { dataTier: { redis: { masters: 3 } } },
        });
        assert.deepEqual(value, { redis: { masters: 3 } });
        assert.deepEqual(resources, [self]);
    });

    it("a secret output is read too", async () => {
        const { value } = await declared(() => previousOutput("dataTier"), {
            previousOutputs: { dataTier: { redis: { masters: 6 } } },
            secretOutputNames: ["dataTier"],
        });
        assert.deepEqual(value, { redis: { masters: 6 } });
    });

    it("undefined before the first deployment, or when the last one had no such output", async () => {
        assert.equal((await declared(() => previousOutput("dataTier"))).value, undefined);
        assert.equal((await declared(() => previousOutput("dataTier"), { previousOutputs: { namespace: "sysmanage" } })).value, undefined);
    });
});
