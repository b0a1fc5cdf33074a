/**
 * The stack's Grafana dashboards as JSON, for ConfigMaps the Grafana sidecar loads. Pure: the
 * plan builds the inputs (plan/dashboards.ts).
 */
import type { Dashboard } from "@grafana/schema";
import { dataTierDashboard, type DataTierDashboardInputs } from "./dataTier";
import { scalingDashboard, type ScalingDashboardInputs } from "./scaling";

export type { DataTierDashboardInputs, PostgresClusterView, RedisView } from "./dataTier";
export type { LoadSeries, ScaledWorkloadView, ScalingDashboardInputs } from "./scaling";
export { SCHEMA_VERSION } from "./dashboard";

export interface DashboardFile {
    /** The ConfigMap's name; the sidecar writes `<name>.json`. */
    readonly name: string;
    readonly dashboard: Dashboard;
}

export function dashboardFiles(scaling: ScalingDashboardInputs, dataTier: DataTierDashboardInputs): DashboardFile[] {
    return [
        { name: "sysmanage-scaling", dashboard: scalingDashboard(scaling) },
        { name: "sysmanage-data-tier", dashboard: dataTierDashboard(dataTier) },
    ];
}
