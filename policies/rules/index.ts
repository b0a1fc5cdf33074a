/**
 * Every rule of the pack, in the order of issue 5. Importing this list does not start the
 * policy server (only `policies/index.ts` constructs the PolicyPack).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { hpaBoundsValid } from "./hpaBoundsValid";
import { hpaMinReplicasHa } from "./hpaMinReplicasHa";
import { hpaTargetResolves } from "./hpaTargetResolves";
import { hpaOneAutoscalerPerTarget } from "./hpaOneAutoscalerPerTarget";
import { hpaTargetRequestsSet } from "./hpaTargetRequestsSet";
import { hpaMetricsAndBehavior } from "./hpaMetricsAndBehavior";
import { hpaOwnsReplicas } from "./hpaOwnsReplicas";
import { hpaMaxFitsCapacity } from "./hpaMaxFitsCapacity";
import { vpaHpaNoResourceOverlap } from "./vpaHpaNoResourceOverlap";
import { vpaTargetResolvesUnique } from "./vpaTargetResolvesUnique";
import { vpaBoundsSet } from "./vpaBoundsSet";
import { pdbRequiredForHaWorkloads } from "./pdbRequiredForHaWorkloads";
import { pdbEvictionPossibleAtMinScale } from "./pdbEvictionPossibleAtMinScale";
import { pdbSelectorHygiene } from "./pdbSelectorHygiene";
import { pdbUnhealthyPodEviction } from "./pdbUnhealthyPodEviction";
import { topoSpreadZoneAndHost } from "./topoSpreadZoneAndHost";
import { wlMinReplicasNonHpa } from "./wlMinReplicasNonHpa";
import { wlResourceRequests } from "./wlResourceRequests";
import { wlResourceLimits } from "./wlResourceLimits";
import { wlProbes } from "./wlProbes";
import { wlGracefulShutdown } from "./wlGracefulShutdown";
import { wlRolloutSafety } from "./wlRolloutSafety";
import { wlImagePinned } from "./wlImagePinned";
import { wlPriorityClass } from "./wlPriorityClass";
import { wlNoBarePods } from "./wlNoBarePods";
import { wlEvictableLocalVolumes } from "./wlEvictableLocalVolumes";
import { metaStableApisAndLabels } from "./metaStableApisAndLabels";
import { secPssBaseline } from "./secPssBaseline";
import { secPssRestricted } from "./secPssRestricted";
import { secReadonlyRootfs } from "./secReadonlyRootfs";
import { secCredentialExposure } from "./secCredentialExposure";
import { netServiceTargetsWorkload } from "./netServiceTargetsWorkload";
import { netRoutesResolve } from "./netRoutesResolve";
import { netTlsEverywhere } from "./netTlsEverywhere";
import { netExposureControls } from "./netExposureControls";
import { netPolicyCoverage } from "./netPolicyCoverage";
import { pgClusterHaAndDrainable } from "./pgClusterHaAndDrainable";
import { poolConnectionBudget } from "./poolConnectionBudget";
import { poolPoolerHaAndMode } from "./poolPoolerHaAndMode";
import { redisClusterTopology } from "./redisClusterTopology";
import { forecastFresh } from "./forecastFresh";
import { forecastChangeBounded } from "./forecastChangeBounded";

export const ALL_RULES: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    // Autoscaling
    hpaBoundsValid,
    hpaMinReplicasHa,
    hpaTargetResolves,
    hpaOneAutoscalerPerTarget,
    hpaTargetRequestsSet,
    hpaMetricsAndBehavior,
    hpaOwnsReplicas,
    hpaMaxFitsCapacity,
    vpaHpaNoResourceOverlap,
    vpaTargetResolvesUnique,
    vpaBoundsSet,
    // Disruption and topology
    pdbRequiredForHaWorkloads,
    pdbEvictionPossibleAtMinScale,
    pdbSelectorHygiene,
    pdbUnhealthyPodEviction,
    topoSpreadZoneAndHost,
    // Workloads
    wlMinReplicasNonHpa,
    wlResourceRequests,
    wlResourceLimits,
    wlProbes,
    wlGracefulShutdown,
    wlRolloutSafety,
    wlImagePinned,
    wlPriorityClass,
    wlNoBarePods,
    wlEvictableLocalVolumes,
    metaStableApisAndLabels,
    // Security
    secPssBaseline,
    secPssRestricted,
    secReadonlyRootfs,
    secCredentialExposure,
    // Network
    netServiceTargetsWorkload,
    netRoutesResolve,
    netTlsEverywhere,
    netExposureControls,
    netPolicyCoverage,
    // Data tier
    pgClusterHaAndDrainable,
    poolConnectionBudget,
    poolPoolerHaAndMode,
    redisClusterTopology,
    // Forecast
    forecastFresh,
    forecastChangeBounded,
];

export {
    hpaBoundsValid,
    hpaMinReplicasHa,
    hpaTargetResolves,
    hpaOneAutoscalerPerTarget,
    hpaTargetRequestsSet,
    hpaMetricsAndBehavior,
    hpaOwnsReplicas,
    hpaMaxFitsCapacity,
    vpaHpaNoResourceOverlap,
    vpaTargetResolvesUnique,
    vpaBoundsSet,
    pdbRequiredForHaWorkloads,
    pdbEvictionPossibleAtMinScale,
    pdbSelectorHygiene,
    pdbUnhealthyPodEviction,
    topoSpreadZoneAndHost,
    wlMinReplicasNonHpa,
    wlResourceRequests,
    wlResourceLimits,
    wlProbes,
    wlGracefulShutdown,
    wlRolloutSafety,
    wlImagePinned,
    wlPriorityClass,
    wlNoBarePods,
    wlEvictableLocalVolumes,
    metaStableApisAndLabels,
    secPssBaseline,
    secPssRestricted,
    secReadonlyRootfs,
    secCredentialExposure,
    netServiceTargetsWorkload,
    netRoutesResolve,
    netTlsEverywhere,
    netExposureControls,
    netPolicyCoverage,
    pgClusterHaAndDrainable,
    poolConnectionBudget,
    poolPoolerHaAndMode,
    redisClusterTopology,
    forecastFresh,
    forecastChangeBounded,
};
