/** AlertRules: one PrometheusRule with the spec it is given, labelled so Prometheus loads it; recorded under the mock runtime. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AlertRules } from "../../../../components/platform/alertRules";
import { construct, typesAndNames } from "../../../support/components";

const spec = {
    groups: [
        {
            name: "g",
            rules: [
                {
                    alert: "SysmanageX",
                    expr: "up == 0",
                    for: "5m" as const,
                    labels: { severity: "warning" },
                    annotations: { summary: "s" },
                },
            ],
        },
    ],
};
const args = {
    namespace: "sysmanage-test",
    labels: { "app.kubernetes.io/part-of": "sysmanage" },
    monitorLabels: { release: "kube-prometheus-stack" },
    spec,
};

describe("AlertRules", () => {
    it("declares the PrometheusRule sysmanage-alerts in the namespace, with the stack's and the monitor labels", async () => {
        const { self, children } = await construct(AlertRules, "alerts", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:platform:AlertRules", "alerts"]]);
        assert.deepEqual(children, [
            {
                type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
                name: "alerts-rule",
                inputs: {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PrometheusRule",
                    metadata: {
                        name: "sysmanage-alerts",
                        namespace: "sysmanage-test",
                        labels: { "app.kubernetes.io/part-of": "sysmanage", release: "kube-prometheus-stack" },
                    },
                    spec,
                },
                options: { parent: "alerts", dependsOn: [], ignoreChanges: [] },
            },
        ]);
    });
});
