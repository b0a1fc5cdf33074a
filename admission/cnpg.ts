/**
 * The validating webhooks of CloudNativePG 1.30.0 (Helm chart cloudnative-pg 0.29.0) for Cluster,
 * Pooler and ScheduledBackup, ported from internal/webhook/v1/*_webhook.go and what they call
 * (pkg/postgres, barman-cloud v0.5.1, robfig/cron v1.2.0). Every check that can be evaluated on the
 * object alone is here, run on the Cluster as the mutating webhook leaves it (admission/cnpg/clusterModel.ts).
 *
 * Left out (they need the live cluster or the previous object): the checks of updates
 * (`validateClusterChanges`: image downgrades, storage shrink, walStorage/tablespace removal,
 * postgresUID/GID changes, replication-slot and wal_level changes, replica switch in progress,
 * image+configuration change with primaryUpdateMethod switchover), `method: volumeSnapshot` needing the
 * VolumeSnapshot CRD, and the replica bootstrap check on updates (it runs on creation only).
 * The CRD schema checks (enums such as the pooler `type`, minimums such as `instances >= 1`) are not
 * webhook checks and live with the CRD schemas.
 *
 * Cluster and Pooler validation is skipped when the object carries `cnpg.io/validation: disabled`.
 */
import { BOOTSTRAP_RULES } from "./cnpg/clusterBootstrap";
import { CONFIG_RULES } from "./cnpg/clusterConfig";
import { EXTRA_RULES } from "./cnpg/clusterExtras";
import { MANAGED_RULES } from "./cnpg/clusterManaged";
import { viewCluster } from "./cnpg/clusterModel";
import { REPLICATION_RULES } from "./cnpg/clusterReplication";
import { RESOURCE_RULES } from "./cnpg/clusterResources";
import { SPEC_RULES } from "./cnpg/clusterSpec";
import { POOLER_RULES, viewPooler } from "./cnpg/pooler";
import { SCHEDULED_BACKUP_RULES, viewScheduledBackup } from "./cnpg/scheduledBackup";
import { dedupe, type Rule } from "./cnpg/util";
import { cnpgWarningsOf, validationAnnotation } from "./cnpg/warnings";
import { type AdmissionModule, type Manifest, objectRef, type RuleInfo, type Violation } from "./types";

const CLUSTER_RULES = [
    ...BOOTSTRAP_RULES,
    ...SPEC_RULES,
    ...RESOURCE_RULES,
    ...REPLICATION_RULES,
    ...CONFIG_RULES,
    ...MANAGED_RULES,
    ...EXTRA_RULES,
];

const info = <V>(r: Rule<V>): RuleInfo => ({ id: r.id, description: r.description, source: r.source });

function run<V>(o: Manifest, rules: readonly Rule<V>[], view: V): Violation[] {
    const object = objectRef(o);
    return rules.flatMap((r) =>
        dedupe(r.check(view)).map((f) => ({ object, rule: r.id, path: f.path, message: f.message, fix: f.fix ?? r.fix, source: r.source })),
    );
}

/** The CloudNativePG 1.30.0 admission rules (Cluster, Pooler, ScheduledBackup of postgresql.cnpg.io/v1). */
export const cnpg: AdmissionModule = {
    rules: [...CLUSTER_RULES.map(info), ...POOLER_RULES.map(info), ...SCHEDULED_BACKUP_RULES.map(info)],
    check(o: Manifest): Violation[] {
        if (o.apiVersion !== "postgresql.cnpg.io/v1") return [];
        switch (o.kind) {
            case "Cluster":
                return validationAnnotation(o).enabled ? run(o, CLUSTER_RULES, viewCluster(o)) : [];
            case "Pooler":
                return validationAnnotation(o).enabled ? run(o, POOLER_RULES, viewPooler(o)) : [];
            case "ScheduledBackup":
                return run(o, SCHEDULED_BACKUP_RULES, viewScheduledBackup(o));
            default:
                return [];
        }
    },
};

/**
 * The warnings the webhooks return for the object (deprecations such as the in-tree
 * barmanObjectStore and monitoring.enablePodMonitor in 1.30, unit-less shared_buffers, a schedule
 * without six fields ...). Warnings do not refuse the object.
 */
export function cnpgWarnings(o: Manifest): string[] {
    return cnpgWarningsOf(o);
}
