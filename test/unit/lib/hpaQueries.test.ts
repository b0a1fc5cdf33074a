/** lib/hpaQueries.ts: the adapter's rules filled in as the adapter fills them; expected strings written by hand. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { adapterQuery, namespaceMetricQuery, podsMetricQuery } from "../../../lib/hpaQueries";
import { customRules } from "../../../lib/metricsRules";

test("adapterQuery fills <<.Series>>, <<.LabelMatchers>> and <<.GroupBy>> of the rule serving the name", () => {
    assert.equal(
        adapterQuery(customRules(), "http_requests_per_second", 'namespace="a"', "pod"),
        'sum(rate(http_requests_total{namespace="a"}[2m])) by (pod)',
    );
    assert.throws(() => adapterQuery(customRules(), "scheduled_floor", "", "pod"), {
        message: "no adapter rule serves the HPA metric scheduled_floor",
    });
});

test("a Pods metric: the per-pod values of the Deployment's pods, averaged", () => {
    assert.equal(
        podsMetricQuery("response_time_p95", "sm", "api"),
        'avg(histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{namespace="sm",pod=~"api-[a-z0-9]+-[a-z0-9]+"}[5m])) by (le, pod)))',
    );
});

test("an Object metric of the namespace: selector keys sorted, then the namespace, grouped by namespace", () => {
    assert.equal(
        namespaceMetricQuery("queue_length", { z: "1", queue: "q", a: "2" }, "sm"),
        'max(sysmanage_queue_length{a="2",queue="q",z="1",namespace="sm"}) by (namespace)',
    );
});
