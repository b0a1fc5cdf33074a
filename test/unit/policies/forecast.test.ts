/** Forecast rules: the HPA annotations the forecasting step writes. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { forecastChangeBounded } from "../../../policies/rules";
import { makeForecastFresh } from "../../../policies/rules/forecastFresh";
import { messages, mutated } from "../../support/policy";

const HPA = "HorizontalPodAutoscaler app/api";
const NOW = Date.parse("2026-11-26T00:00:00Z");
const fresh = makeForecastFresh(() => NOW);
const forecast = {
    "sysmanage.io/forecast-generated-at": "2026-11-25T12:00:00Z",
    "sysmanage.io/forecast-data-end": "2026-11-25T00:00:00Z",
    "sysmanage.io/forecast-model": "ets",
    "sysmanage.io/forecast-inputs-hash": "sha256:0123",
    "sysmanage.io/forecast-previous-bounds": "3..8",
};
const annotated = (extra: Record<string, string | undefined> = {}) =>
    mutated("api-hpa", (i) => {
        i.metadata.annotations = Object.fromEntries(Object.entries({ ...forecast, ...extra }).filter(([, v]) => v !== undefined));
    });

describe("forecast-fresh", () => {
    it("skipped without forecast annotations; quiet on a fresh forecast", async () => {
        assert.deepEqual(
            await messages(
                fresh,
                mutated("api-hpa", () => undefined),
            ),
            [],
        );
        assert.deepEqual(await messages(fresh, annotated()), []);
    });
    it("stale data (and the age is configurable)", async () => {
        const stale = () => annotated({ "sysmanage.io/forecast-data-end": "2026-11-10T00:00:00Z" });
        assert.deepEqual(await messages(fresh, stale()), [
            `${HPA}: bounds come from metrics ending 2026-11-10T00:00:00Z (384 h old, max 168 h); re-run the forecast on fresh metrics.`,
        ]);
        assert.deepEqual(await messages(fresh, stale(), { maxDataAgeHours: 720 }), []);
    });
    it("missing annotations, bad timestamps, data after generation", async () => {
        assert.deepEqual(
            await messages(fresh, annotated({ "sysmanage.io/forecast-model": undefined, "sysmanage.io/forecast-inputs-hash": undefined })),
            [
                `${HPA}: forecast annotation(s) sysmanage.io/forecast-model, sysmanage.io/forecast-inputs-hash are missing; re-run the forecasting step so the bounds record their inputs.`,
            ],
        );
        assert.deepEqual(await messages(fresh, annotated({ "sysmanage.io/forecast-data-end": "yesterday" })), [
            `${HPA}: sysmanage.io/forecast-data-end (yesterday) is not an ISO 8601 time; re-run the forecasting step.`,
        ]);
        assert.deepEqual(await messages(fresh, annotated({ "sysmanage.io/forecast-data-end": "2026-11-25T18:00:00Z" })), [
            `${HPA}: sysmanage.io/forecast-data-end (2026-11-25T18:00:00Z) is after sysmanage.io/forecast-generated-at (2026-11-25T12:00:00Z); re-run the forecasting step.`,
        ]);
    });
});

describe("forecast-change-bounded", () => {
    it("a jump beyond the factor, in either direction, unless acknowledged", async () => {
        assert.deepEqual(await messages(forecastChangeBounded, annotated({ "sysmanage.io/forecast-previous-bounds": "3..4" })), [
            `${HPA}: maxReplicas changes from 4 to 10 (x2.5), more than the allowed factor 2; review the forecast and, if it is right, acknowledge it in the stack config: forecast.acknowledge.<workload>: "3..10" (the forecasting step then writes sysmanage.io/forecast-change-acknowledged: "true").`,
        ]);
        assert.deepEqual(await messages(forecastChangeBounded, annotated({ "sysmanage.io/forecast-previous-bounds": "3..40" })), [
            `${HPA}: maxReplicas changes from 40 to 10 (x4), more than the allowed factor 2; review the forecast and, if it is right, acknowledge it in the stack config: forecast.acknowledge.<workload>: "3..10" (the forecasting step then writes sysmanage.io/forecast-change-acknowledged: "true").`,
        ]);
        assert.deepEqual(
            await messages(
                forecastChangeBounded,
                annotated({ "sysmanage.io/forecast-previous-bounds": "3..4", "sysmanage.io/forecast-change-acknowledged": "true" }),
            ),
            [],
        );
        assert.deepEqual(
            await messages(forecastChangeBounded, annotated({ "sysmanage.io/forecast-previous-bounds": "3..4" }), { maxFactor: 3 }),
            [],
        );
    });
    it("within the factor, no previous bounds, malformed bounds", async () => {
        assert.deepEqual(await messages(forecastChangeBounded, annotated()), []);
        assert.deepEqual(await messages(forecastChangeBounded, annotated({ "sysmanage.io/forecast-previous-bounds": undefined })), []);
        assert.deepEqual(await messages(forecastChangeBounded, annotated({ "sysmanage.io/forecast-previous-bounds": "3-50" })), [
            `${HPA}: sysmanage.io/forecast-previous-bounds (3-50) is not of the form min..max; re-run the forecasting step.`,
        ]);
    });
});
