/**
 * Overprovisioning placeholders (issue 17 #4) in the pack: the real placeholder Deployment
 * (lib/overprovision.ts) and its class pass the rules that protect serving pods, because it has
 * the role label AND the overprovisioning class; a real workload with the label alone is still
 * checked, and the placeholders' class is refused on a real workload.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
    ALL_RULES,
    pdbRequiredForHaWorkloads,
    wlGracefulShutdown,
    wlPriorityClass,
    wlPriorityOrder,
    wlProbes,
} from "../../../policies/rules";
import { placeholderDeployment } from "../../../lib/overprovision";
import { priorityClasses } from "../../../lib/priorityClasses";
import { fixture, messages, mutated, NS, type Fixture, type Obj } from "../../support/policy";

function placeholder(change: (inputs: Obj) => void = () => {}): Fixture {
    const d = placeholderDeployment({ instance: "t", replicas: 3, cpu: "500m", memory: "512Mi", zones: ["a", "b", "c"] });
    const inputs: Obj = structuredClone({ ...d, metadata: { ...d.metadata, namespace: NS } });
    change(inputs);
    return { type: "kubernetes:apps/v1:Deployment", name: "overprovisioning", inputs };
}
function overprovisioningClass(value = -10): Fixture {
    const { tier: _tier, ...pc } = priorityClasses(true).find((c) => c.tier === "overprovisioning")!;
    return { type: "kubernetes:scheduling.k8s.io/v1:PriorityClass", name: "priority-overprovisioning", inputs: { ...pc, value } };
}
const stack = (...extra: Fixture[]) => [...fixture(), overprovisioningClass(), ...extra];
const RULES = [wlProbes, wlGracefulShutdown, pdbRequiredForHaWorkloads, wlPriorityClass, wlPriorityOrder];
const PH = "Deployment app/sysmanage-overprovisioning";

describe("overprovisioning placeholders in the pack", () => {
    it("the placeholder Deployment and its class pass the probe, preStop, budget and priority rules", async () => {
        for (const rule of RULES) assert.deepEqual(await messages(rule, stack(placeholder())), [], rule.name);
        // And every other rule of the pack (security, spread, images, network) under the prod config.
        const all: string[] = [];
        for (const rule of ALL_RULES) all.push(...(await messages(rule, stack(placeholder()))).map((m) => `${rule.name}: ${m}`));
        assert.deepEqual(all, []);
    });

    it("the label alone exempts nothing: with the batch class the same pods need probes, preStop and a budget", async () => {
        const f = stack(placeholder((i) => (i.spec.template.spec.priorityClassName = "sysmanage-batch")));
        assert.deepEqual(await messages(wlProbes, f), [
            `${PH}: container pause has no livenessProbe; add one so a hung process is restarted.`,
        ]);
        assert.deepEqual(await messages(wlGracefulShutdown, f), [
            `${PH}: container pause has no preStop hook; add lifecycle.preStop (a short sleep) so endpoints drop the pod before SIGTERM.`,
        ]);
        assert.deepEqual(await messages(pdbRequiredForHaWorkloads, f), [
            `${PH}: runs 3 replicas but no PodDisruptionBudget selects its pods; add one (maxUnavailable: 1) so node drains keep it serving.`,
        ]);
    });

    it("a real workload with the placeholder label and no probes is still checked", async () => {
        const f = mutated("api-deployment", (i) => {
            i.spec.template.metadata.labels["sysmanage.io/role"] = "placeholder";
            delete i.spec.template.spec.containers[0].livenessProbe;
        });
        assert.deepEqual(await messages(wlProbes, f), [
            "Deployment app/api: container app has no livenessProbe; add one so a hung process is restarted.",
        ]);
    });

    it("the placeholders' class on a real workload, or on the placeholder without its label, is refused", async () => {
        const api = mutated("api-deployment", (i) => (i.spec.template.spec.priorityClassName = "sysmanage-overprovisioning"), stack());
        const reserved = (id: string) =>
            `${id}: priorityClassName sysmanage-overprovisioning is reserved for overprovisioning placeholders (label sysmanage.io/role: placeholder); any pod preempts it. Use its tier's class.`;
        assert.deepEqual(await messages(wlPriorityClass, api), [reserved("Deployment app/api")]);
        assert.deepEqual(await messages(wlPriorityOrder, api), [
            "pods of Deployment app/api: API pods run with priorityClassName sysmanage-overprovisioning; set sysmanage-api, the api tier's class.",
        ]);
        const unlabelled = stack(placeholder((i) => delete i.spec.template.metadata.labels["sysmanage.io/role"]));
        assert.deepEqual(await messages(wlPriorityClass, unlabelled), [reserved(PH)]);
    });

    it("wl-priority-order accepts the class below batch and refuses it at or above batch", async () => {
        const at = (value: number) => [...fixture(), overprovisioningClass(value), placeholder()];
        assert.deepEqual(await messages(wlPriorityOrder, at(99999)), []);
        const refused = (v: number) =>
            `PriorityClass sysmanage-overprovisioning (${v}, the placeholders') is not below sysmanage-batch (100000, the batch tier's); lower it, or real pods cannot preempt the placeholders (policies/contract/scheduling.ts).`;
        assert.deepEqual(await messages(wlPriorityOrder, at(100000)), [refused(100000)]);
        assert.deepEqual(await messages(wlPriorityOrder, at(200000)), [refused(200000)]);
    });
});
