import { ENVIRONMENT_FLOORS } from "../contract";
import { type Json } from "../lib/k8s";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";
import type { PodGroup } from "../stackIndex";

interface Config {
    minInstances: number;
    requirePdb: boolean;
    requireSpread: boolean;
    clientComponents: string[];
    connectionsPerClientPod: number;
    zoneKey: string;
}

/** `pool-pooler-ha-and-mode`: PgBouncer stays up through drains and fits its autoscaling clients. */
export const poolPoolerHaAndMode = stackRule<Config>(
    {
        name: "pool-pooler-ha-and-mode",
        description:
            "Poolers run at least the configured pods with a PDB and zone spread; they use transaction mode when their clients autoscale, and accept the client connections of those clients at their max.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "Set spec.instances >= 2, add a PDB and a zone topologySpreadConstraint in spec.template, poolMode transaction, and max_client_conn x instances >= the clients' connections at max.",
        configSchema: {
            properties: {
                minInstances: schema.int(ENVIRONMENT_FLOORS.prod.poolerInstances, "Fewest PgBouncer pods per pooler.", 1),
                requirePdb: schema.bool(true, "Require a PodDisruptionBudget on the pooler pods."),
                requireSpread: schema.bool(true, "Require a zone topologySpreadConstraint in spec.template."),
                clientComponents: schema.strings(
                    ["api", "worker", "analytics"],
                    "app.kubernetes.io/component values of the pooler's client workloads.",
                ),
                connectionsPerClientPod: schema.int(10, "Connections one client pod opens to the pooler (its own pool size).", 1),
                zoneKey: schema.str("topology.kubernetes.io/zone", "Node label of the zone."),
            },
        },
    },
    (ix, cfg, report) => {
        forEachKnown(ix.of("Pooler"), (p) => {
            const s = p.props.spec ?? {};
            const n = Number(s.instances ?? 1);
            if (n < cfg.minInstances)
                report(
                    `${p.id}: runs ${n} pod(s), below ${cfg.minInstances}; set spec.instances to ${cfg.minInstances} so a drain or a crash keeps the pool up.`,
                    p,
                );
            const group = ix.podGroups.find((g): g is PodGroup => g.owner === p);
            if (cfg.requirePdb && group && ix.pdbsSelecting(group).length === 0)
                report(
                    `${p.id}: no PodDisruptionBudget selects its pods (cnpg.io/poolerName=${p.name}); add one with maxUnavailable: 1.`,
                    p,
                );
            if (
                cfg.requireSpread &&
                !((s.template?.spec?.topologySpreadConstraints ?? []) as Json[]).some((c) => c.topologyKey === cfg.zoneKey)
            )
                report(
                    `${p.id}: its pods are not spread across zones; add a topologySpreadConstraint on ${cfg.zoneKey} to spec.template.spec.`,
                    p,
                );
            // Clients: autoscaled workloads of the configured components in the pooler's namespace.
            const clients = ix.workloads.filter((w) => {
                const labels = ix.podLabels(w);
                return (
                    w.namespace === p.namespace &&
                    ix.hpasByTarget.has(`${w.namespace}/${w.kind}/${w.name}`) &&
                    labels !== undefined &&
                    cfg.clientComponents.includes(labels["app.kubernetes.io/component"])
                );
            });
            if (clients.length === 0) return;
            const mode = s.pgbouncer?.poolMode;
            if (mode !== "transaction")
                report(
                    `${p.id}: poolMode is ${mode ?? "session (the default)"} while its clients autoscale (${clients.map((c) => c.name).join(", ")}); use transaction mode so scaling out clients does not need a server connection per client.`,
                    p,
                );
            const maxClient = Number(s.pgbouncer?.parameters?.max_client_conn ?? 100); // PgBouncer's default
            const capacity = maxClient * n;
            const need = clients.reduce((sum, c) => sum + (ix.ceilingReplicas(c) ?? 0) * cfg.connectionsPerClientPod, 0);
            if (need > capacity)
                report(
                    `${p.id}: accepts ${capacity} client connections (${n} pods x max_client_conn ${maxClient}) but its clients at max open up to ${need} (${clients.map((c) => `${c.name}: ${ix.ceilingReplicas(c)} pods`).join(", ")} x ${cfg.connectionsPerClientPod}); raise max_client_conn or instances.`,
                    p,
                );
        });
    },
);
