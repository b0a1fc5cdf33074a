/** The `declare…` steps of the entry point: plain functions (no parent components, so no URN changes). */
export { declarePlatform, type Platform } from "./platform";
export { declareNamespace } from "./namespace";
export { declareTraffic } from "./traffic";
export { declareCompute } from "./compute";
export { declareDataTier } from "./dataTier";
export { declareAlerts } from "./alerts";
export { declareDashboards } from "./dashboards";
export { declareNodePools, declareOverprovisioning, declareScheduling } from "./scheduling";
