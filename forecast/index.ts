/**
 * The forecasting step (issue 4) as the program runs it before each preview: pure modules over
 * plain data, no Pulumi. `programForecast` is the entry; it sizes the workloads (`forecastStack`)
 * and the data-tier counts (`forecastDataTier`) from the exports the stack maps, read through one
 * series loader (series.ts). The benchmark, the live refresh and the report are tools
 * (tools/forecast/), which import the modules they use directly.
 */
export { programForecast, forecastSettings, type ProgramForecast, type ProgramForecastArgs } from "./program";
export {
    forecastStack,
    ANNOTATION,
    DEFAULT_SETTINGS,
    type StackInput,
    type StackForecast,
    type WorkloadInput,
    type WorkloadForecast,
    type MetricInput,
    type MetricForecast,
    type ForecastSettings,
} from "./stack";
export { forecastDataTier, type DataTierForecast, type CountForecast } from "./dataTier";
export { exportsLocation, workloadInputs, type SeriesRef } from "./mapping";
