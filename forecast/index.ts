/**
 * The forecasting step (issue 4): pure modules over plain data, no Pulumi. `forecastStack` is
 * what the program calls before each preview; the rest is exported for tools and tests.
 */
export * from "./types";
export { IngestError, parseSeriesText, readSeriesFile, toGrid, detectFormat, detectStep, countToRate } from "./ingest";
export {
    replay,
    SHORTFALL_WEIGHT,
    type ReplayInput,
    type ReplayResult,
    type ReplayMetric,
    type BoundsSegment,
    type ScaleEvent,
} from "./simulator";
export * from "./sizing";
export * from "./capacityPlanner";
export {
    forecastStack,
    ANNOTATION,
    DEFAULT_SETTINGS,
    type StackInput,
    type StackForecast,
    type WorkloadInput,
    type WorkloadForecast,
    type MetricInput,
    type ForecastSettings,
} from "./stack";
export { workloadInputs, hpaCapacity, refreshTargets, exportsDir, prometheusUrl, type SeriesRef } from "./mapping";
export { forecastDataTier, decideRedisMasters, decideCount, seriesPeak, type DataTierForecast, type CountForecast } from "./dataTier";
export { markdownReport, workloadSvg } from "./report";
