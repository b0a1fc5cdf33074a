/** GlobalDns: the hostname's record sets across regions as one DNSEndpoint, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GlobalDns, type GlobalDnsArgs } from "../../../../components/traffic/globalDns";
import { construct, typesAndNames } from "../../../support/components";

const labels = { "app.kubernetes.io/part-of": "sysmanage" };
const args: GlobalDnsArgs = {
    namespace: "sysmanage-test",
    labels,
    hostname: "api.example.com",
    routing: "weighted",
    ttl: 60,
    regions: [
        { name: "eu-west-1", target: "lb-eu.example.net", weight: 70, geo: "EU", healthCheckId: "hc-eu" },
        { name: "us-east-1", target: "203.0.113.10", weight: 30, geo: "NA", healthCheckId: "" },
    ],
};

describe("GlobalDns", () => {
    it("declares one DNSEndpoint with a record set per region, told apart by setIdentifier", async () => {
        const { self, children } = await construct(GlobalDns, "global-dns", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:traffic:GlobalDns", "global-dns"]]);
        assert.deepEqual(children, [
            {
                type: "kubernetes:externaldns.k8s.io/v1alpha1:DNSEndpoint",
                name: "global-dns-endpoint",
                inputs: {
                    apiVersion: "externaldns.k8s.io/v1alpha1",
                    kind: "DNSEndpoint",
                    metadata: { name: "sysmanage-global", namespace: "sysmanage-test", labels },
                    spec: {
                        endpoints: [
                            {
                                dnsName: "api.example.com",
                                recordType: "CNAME",
                                targets: ["lb-eu.example.net"],
                                recordTTL: 60,
                                setIdentifier: "eu-west-1",
                                providerSpecific: [
                                    { name: "aws/weight", value: "70" },
                                    { name: "aws/health-check-id", value: "hc-eu" },
                                ],
                            },
                            {
                                dnsName: "api.example.com",
                                recordType: "A",
                                targets: ["203.0.113.10"],
                                recordTTL: 60,
                                setIdentifier: "us-east-1",
                                providerSpecific: [{ name: "aws/weight", value: "30" }],
                            },
                        ],
                    },
                },
                options: { parent: "global-dns", dependsOn: [], ignoreChanges: [] },
            },
        ]);
    });

    it("geo routing: a continent per region", async () => {
        const { children } = await construct(GlobalDns, "global-dns", { ...args, routing: "geo" });
        assert.deepEqual(
            children[0].inputs.spec.endpoints.map((e: { providerSpecific: unknown }) => e.providerSpecific),
            [
                [
                    { name: "aws/geolocation-continent-code", value: "EU" },
                    { name: "aws/health-check-id", value: "hc-eu" },
                ],
                [{ name: "aws/geolocation-continent-code", value: "NA" }],
            ],
        );
    });
});
