/**
 * Admission warnings of the CloudNativePG 1.30.0 webhooks: returned to the client (kubectl and
 * Pulumi print them) without refusing the object. Cluster: `getAdmissionWarnings`
 * (cluster_webhook.go:2658); Pooler: `getAdmissionWarnings` and `validateDeprecatedMonitoringFields`
 * (pooler_webhook.go:144, :319); ScheduledBackup: field count (scheduledbackup_webhook.go:143);
 * the `cnpg.io/validation` annotation of the bypassable validators (common.go:114).
 */
import type { Manifest } from "../types";
import { viewCluster } from "./clusterModel";
import { robfigCronError } from "./cron";
import { quantityOrZero } from "./quantity";
import { fields, list, opt, parseGoDuration, rec, str, strMap } from "./util";

const VALIDATION_DISABLED =
    "validation webhook is disabled — all changes are accepted without validation. This may lead to unsafe or destructive operations. Proceed with extreme caution.";

/** Warnings of the `cnpg.io/validation` annotation, and whether validation runs at all. */
export function validationAnnotation(o: Manifest): { enabled: boolean; warnings: string[] } {
    const v = strMap(o.metadata?.annotations)["cnpg.io/validation"] ?? "";
    if (v === "" || v === "enabled") return { enabled: true, warnings: [] };
    if (v === "disabled") return { enabled: false, warnings: [VALIDATION_DISABLED] };
    return { enabled: true, warnings: [`invalid "cnpg.io/validation" annotation: "${v}" (expected "enabled" or "disabled")`] };
}

function storageWarnings(s: unknown, path: string): string[] {
    const st = opt(s);
    const pvc = opt(st?.pvcTemplate);
    if (!st || !pvc) return [];
    const out: string[] = [];
    if (st.storageClass != null && pvc.storageClassName != null)
        out.push(
            `${path}.storageClass and ${path}.pvcTemplate.storageClassName are both specified, ${path}.storageClass value will be used.`,
        );
    if (str(st.size) && quantityOrZero(rec(rec(pvc.resources).requests).storage) !== 0)
        out.push(`${path}.size and ${path}.pvcTemplate.resources.requests.storage are both specified, ${path}.size value will be used.`);
    return out;
}

function clusterWarnings(o: Manifest): string[] {
    const v = viewCluster(o);
    const spec = v.spec;
    const out: string[] = [];
    if (opt(spec.nodeMaintenanceWindow)) out.push("Consider using `.spec.enablePDB` instead of the node maintenance window feature");
    const backup = opt(spec.backup);
    const barman = [
        ...(opt(backup?.barmanObjectStore) ? ["spec.backup.barmanObjectStore"] : []),
        ...list(spec.externalClusters).flatMap((e, i) =>
            opt(rec(e).barmanObjectStore) ? [`spec.externalClusters.${i}.barmanObjectStore`] : [],
        ),
    ];
    if (barman.length)
        out.push(
            "Native support for Barman Cloud backups and recovery is deprecated and will be completely removed in CloudNativePG 1.31.0. " +
                `Found usage in: ${barman.join(", ")}. Please migrate existing clusters to the new Barman Cloud Plugin to ensure a smooth transition.`,
        );
    if (backup && str(backup.retentionPolicy) && !opt(backup.barmanObjectStore))
        out.push(
            "Retention policies specified in .spec.backup.retentionPolicy are only used by the in-tree barman-cloud support, which is not being used in this cluster. Please use a backup plugin and migrate this configuration to the plugin configuration",
        );
    out.push(...storageWarnings(spec.storage, "spec.storage"), ...storageWarnings(spec.walStorage, "spec.walStorage"));
    const sb = v.params.shared_buffers;
    if (sb && /^[+-]?\d+$/.test(sb))
        out.push(
            `\`shared_buffers\` value '${sb}' is missing a unit (e.g., MB, GB). While this is currently allowed, future releases will require an explicit unit. Please update your configuration to specify a valid unit, such as '${sb}MB'.`,
        );
    const m = opt(spec.monitoring);
    if (m && m.metricsQueriesTTL != null && parseGoDuration(str(m.metricsQueriesTTL)) === 0)
        out.push(
            "spec.monitoring.metricsQueriesTTL is explicitly set to 0; this disables automatic TTL behavior and can cause heavy load on the PostgreSQL server.",
        );
    if (m?.enablePodMonitor === true)
        out.push(
            "spec.monitoring.enablePodMonitor is deprecated and will be removed in a future release. Please migrate to manually managing your PodMonitor resources. Set this field to false and create a PodMonitor resource for your cluster as described in the documentation.",
        );
    if (list(m?.podMonitorMetricRelabelings).length)
        out.push(
            "spec.monitoring.podMonitorMetricRelabelings is deprecated and will be removed in a future release. Please migrate to manually managing your PodMonitor resources with custom relabeling configurations.",
        );
    if (list(m?.podMonitorRelabelings).length)
        out.push(
            "spec.monitoring.podMonitorRelabelings is deprecated and will be removed in a future release. Please migrate to manually managing your PodMonitor resources with custom relabeling configurations.",
        );
    return out;
}

function poolerWarnings(o: Manifest): string[] {
    const spec = rec(o.spec);
    const pb = opt(spec.pgbouncer);
    const out: string[] = [];
    const secret = (x: unknown): string => str(rec(x).name);
    if (pb && (str(pb.authQuery) || secret(pb.authQuerySecret) || secret(pb.serverTLSSecret)))
        out.push(
            `The operator won't handle the Pooler "${str(o.metadata?.name)}" integration with the Cluster "${str(rec(spec.cluster).name)}" ("${str(o.metadata?.namespace)}"). Manually configure it as described in the docs.`,
        );
    if (pb && secret(pb.authQuerySecret)) out.push("The .spec.pgbouncer.authQuerySecret field has been deprecated");
    const m = opt(spec.monitoring);
    if (m && (m.enablePodMonitor === true || list(m.podMonitorMetricRelabelings).length || list(m.podMonitorRelabelings).length))
        out.push(
            "spec.monitoring is deprecated and will be removed in a future release. Set this field to false and create a PodMonitor resource for your pooler as described in the documentation",
        );
    return out;
}

/** The warnings the CloudNativePG 1.30.0 webhooks return for a Cluster, Pooler or ScheduledBackup (none for other kinds). */
export function cnpgWarningsOf(o: Manifest): string[] {
    if (o.apiVersion !== "postgresql.cnpg.io/v1") return [];
    if (o.kind === "ScheduledBackup") {
        const s = str(rec(o.spec).schedule);
        return robfigCronError(s) === undefined && fields(s).length !== 6
            ? ["Schedule parameter may not have the right number of arguments (usually six arguments are needed)"]
            : [];
    }
    if (o.kind !== "Cluster" && o.kind !== "Pooler") return [];
    const gate = validationAnnotation(o);
    if (!gate.enabled) return gate.warnings;
    return [...gate.warnings, ...(o.kind === "Cluster" ? clusterWarnings(o) : poolerWarnings(o))];
}
