/** Dashboards: one ConfigMap per dashboard, labelled and annotated for Grafana's sidecar; recorded under the mock runtime. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Dashboards } from "../../../../components/platform/dashboards";
import { construct, typesAndNames } from "../../../support/components";

const args = {
    namespace: "sysmanage-test",
    labels: { "app.kubernetes.io/part-of": "sysmanage", grafana_dashboard: "1" },
    annotations: { grafana_folder: "SysManage" },
    files: [
        { name: "sysmanage-scaling", json: '{"uid":"a"}' },
        { name: "sysmanage-data-tier", json: '{"uid":"b"}' },
    ],
};

const configMap = (name: string, json: string) => ({
    type: "kubernetes:core/v1:ConfigMap",
    name: `dashboards-${name}`,
    inputs: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace: "sysmanage-test", labels: args.labels, annotations: args.annotations },
        data: { [`${name}.json`]: json },
    },
    options: { parent: "dashboards", dependsOn: [], ignoreChanges: [] },
});

describe("Dashboards", () => {
    it("declares a ConfigMap per dashboard, named after it, its JSON under <name>.json", async () => {
        const { self, children } = await construct(Dashboards, "dashboards", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:platform:Dashboards", "dashboards"]]);
        assert.deepEqual(children, [configMap("sysmanage-scaling", '{"uid":"a"}'), configMap("sysmanage-data-tier", '{"uid":"b"}')]);
    });

    it("declares nothing but itself without dashboards", async () => {
        const { children } = await construct(Dashboards, "dashboards", { ...args, files: [] });
        assert.deepEqual(children, []);
    });
});
