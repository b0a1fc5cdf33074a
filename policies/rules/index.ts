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
import { wlPriorityOrder } from "./wlPriorityOrder";
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
import { pgMemoryBounded } from "./pgMemoryBounded";
import { redisMemoryBounded } from "./redisMemoryBounded";
import { shardHaInProd } from "./shardHaInProd";
import { shardMapBucketsOnce } from "./shardMapBucketsOnce";
import { forecastFresh } from "./forecastFresh";
import { forecastChangeBounded } from "./forecastChangeBounded";
import { forecastScheduleBounded } from "./forecastScheduleBounded";
import { forecastScheduleCurrent } from "./forecastScheduleCurrent";
import { forecastScheduleNotPinned } from "./forecastScheduleNotPinned";
import { placeDataNotOnSpot } from "./placeDataNotOnSpot";
import { placeSpotHasOnDemandFloor } from "./placeSpotHasOnDemandFloor";
import { placeScaleToZeroHasTrigger } from "./placeScaleToZeroHasTrigger";

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
    wlPriorityOrder,
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
    pgMemoryBounded,
    redisMemoryBounded,
    shardHaInProd,
    shardMapBucketsOnce,
    // Forecast
    forecastFresh,
    forecastChangeBounded,
    forecastScheduleBounded,
    forecastScheduleCurrent,
    forecastScheduleNotPinned,
    // Placement (issue 17)
    placeDataNotOnSpot,
    placeSpotHasOnDemandFloor,
    placeScaleToZeroHasTrigger,
];

// Each rule (and the helpers its tests call) by name.
export * from "./hpaBoundsValid";
export * from "./hpaMinReplicasHa";
export * from "./hpaTargetResolves";
export * from "./hpaOneAutoscalerPerTarget";
export * from "./hpaTargetRequestsSet";
export * from "./hpaMetricsAndBehavior";
export * from "./hpaOwnsReplicas";
export * from "./hpaMaxFitsCapacity";
export * from "./vpaHpaNoResourceOverlap";
export * from "./vpaTargetResolvesUnique";
export * from "./vpaBoundsSet";
export * from "./pdbRequiredForHaWorkloads";
export * from "./pdbEvictionPossibleAtMinScale";
export * from "./pdbSelectorHygiene";
export * from "./pdbUnhealthyPodEviction";
export * from "./topoSpreadZoneAndHost";
export * from "./wlMinReplicasNonHpa";
export * from "./wlResourceRequests";
export * from "./wlResourceLimits";
export * from "./wlProbes";
export * from "./wlGracefulShutdown";
export * from "./wlRolloutSafety";
export * from "./wlImagePinned";
export * from "./wlPriorityClass";
export * from "./wlPriorityOrder";
export * from "./wlNoBarePods";
export * from "./wlEvictableLocalVolumes";
export * from "./metaStableApisAndLabels";
export * from "./secPssBaseline";
export * from "./secPssRestricted";
export * from "./secReadonlyRootfs";
export * from "./secCredentialExposure";
export * from "./netServiceTargetsWorkload";
export * from "./netRoutesResolve";
export * from "./netTlsEverywhere";
export * from "./netExposureControls";
export * from "./netPolicyCoverage";
export * from "./pgClusterHaAndDrainable";
export * from "./poolConnectionBudget";
export * from "./poolPoolerHaAndMode";
export * from "./redisClusterTopology";
export * from "./pgMemoryBounded";
export * from "./redisMemoryBounded";
export * from "./shardHaInProd";
export * from "./shardMapBucketsOnce";
export * from "./forecastFresh";
export * from "./forecastChangeBounded";
export * from "./forecastScheduleBounded";
export * from "./forecastScheduleCurrent";
export * from "./forecastScheduleNotPinned";
export * from "./placeDataNotOnSpot";
export * from "./placeSpotHasOnDemandFloor";
export * from "./placeScaleToZeroHasTrigger";
