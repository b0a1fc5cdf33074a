import type { PostgresSizing } from "../../lib/data/postgresParams";

/**
 * The prod main cluster's sizing (Pulumi.yaml defaults): 8Gi, 2 CPUs, 300 connections, an 8GB
 * wal_keep_size on a 20Gi WAL volume; 38 backends may run queries at once (3 pooler pods × 6
 * server connections + 20 direct connections), each with one hash and one sort.
 */
export const PROD_SIZING: PostgresSizing = {
    memory: "8Gi",
    cpu: "2",
    maxConnections: 300,
    profile: "oltp",
    walKeepSize: "8GB",
    walStorageSize: "20Gi",
    activeBackends: 38,
    nodesPerQuery: 2,
    configKey: "postgres",
};
