/**
 * The forecasting step (issue 4): pure modules over plain data, no Pulumi. `forecastStack` is
 * what the program calls before each preview; the rest is exported for tools and tests.
 */
export * from "./types";
export {
    IngestError,
    parseSeriesText,
    readSeriesFile,
    toGrid,
    detectFormat,
    detectStep,
    countToRate,
    inspectSeries,
    MAX_VALUE,
    GAP_WARN_SECONDS,
    OUTLIER_FACTOR,
} from "./ingest";
export { MAX_EXPORT_BYTES, ExportPathError, exportPathProblem, readExport, resolveExportsDir } from "./exportFiles";
export { safeUrl, prometheusEndpoint } from "./live";
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
    FUTURE_TOLERANCE_SECONDS,
    MIN_GRID_STEP_SECONDS,
    type StackInput,
    type StackForecast,
    type WorkloadInput,
    type WorkloadForecast,
    type MetricInput,
    type ForecastSettings,
} from "./stack";
export {
    workloadInputs,
    hpaCapacity,
    refreshTargets,
    exportsDir,
    exportsLocation,
    prometheusUrl,
    prometheusSource,
    type SeriesRef,
} from "./mapping";
export { forecastDataTier, decideRedisMasters, decideCount, seriesPeak, type DataTierForecast, type CountForecast } from "./dataTier";
export { markdownReport, workloadSvg } from "./report";
