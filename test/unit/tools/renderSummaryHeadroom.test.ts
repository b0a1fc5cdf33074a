/** The render summary's forecast lines carry each scheduled workload's headroom verdict (issue 17 #4, tools/renderSummary.ts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { summarize } from "../../../tools/renderSummary";

test("the headroom verdict in the forecast lines: the pods, the replay's weighted cost without -> with, pays or not", () => {
    const forecast = {
        exportsDir: "exports/prod",
        inputsHash: "h",
        workloads: {},
        dataTier: {},
        warnings: [],
        headroom: {
            api: { pods: 2, without: 16 / 11, with: 14 / 11, pays: true },
            "worker-queue": { pods: 1, without: 1.1, with: 1.4, pays: false },
        },
    };
    const lines = summarize({
        stack: "prod",
        resources: [{ type: "sysmanage:compute:Api", name: "api", inputs: {} } as never],
        outputs: { forecast },
        warnings: [],
    }).split("\n");
    const at = lines.indexOf("Forecast sizing (exports in exports/prod/, inputs h; report: npm run forecast -- --stack prod):");
    assert.deepEqual(lines.slice(at + 1, at + 3), [
        "  api headroom: 2 placeholder pod(s) at the band's peak, replay weighted cost 1.4545 -> 1.2727: pays",
        "  worker-queue headroom: 1 placeholder pod(s) at the band's peak, replay weighted cost 1.1000 -> 1.4000: does not pay",
    ]);
});
