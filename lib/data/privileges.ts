/**
 * The privilege plan as plain data: which role may do what on the application schema. The
 * program declares `@pulumi/postgresql` resources from it, and the tests apply the same plan
 * as SQL to a real server and check that it means what it says.
 */

export type TablePrivilege = "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "TRUNCATE" | "REFERENCES" | "TRIGGER";
export type SequencePrivilege = "USAGE" | "SELECT" | "UPDATE";

export interface RolePlan {
    readonly role: string;
    /** The pooler the role connects through: the primary's (write), the replicas' (read) or the analytics replica's. */
    readonly via: "write" | "read" | "analytics";
    readonly login: boolean;
    /** Connection limit of the role (-1 unlimited). */
    readonly connectionLimit: number;
    readonly description: string;
    /**
     * statement_timeout of the role (ALTER ROLE ... SET), in ms: the application's bound, kept
     * off the server so migrations, index builds and VACUUM (owner/admin) run unbounded.
     */
    readonly statementTimeoutMs: number;
    /** idle_in_transaction_session_timeout of the role, in ms: an idle transaction pins a pooled server connection and holds back VACUUM. */
    readonly idleInTransactionTimeoutMs: number;
    readonly schemaPrivileges: readonly ("USAGE" | "CREATE")[];
    readonly tablePrivileges: readonly TablePrivilege[];
    readonly sequencePrivileges: readonly SequencePrivilege[];
}

export interface PrivilegePlan {
    readonly database: string;
    readonly schema: string;
    /** Owns the schema and creates the tables (migrations run as it); default privileges are its. */
    readonly owner: string;
    readonly roles: readonly RolePlan[];
}

/**
 * The Kubernetes Secret of a login role (`sysmanage_write` → `sysmanage-write`): the app reads its keys by name.
 * With a prefix (a shard's cluster), that cluster's copy of the role: `sysmanage-pg-shard-0-sysmanage-write`.
 */
export const roleSecretName = (role: string, prefix?: string): string => `${prefix ? `${prefix}-` : ""}${role.replace(/_/g, "-")}`;

export function privilegePlan(database = "sysmanage", schema = "sysmanage"): PrivilegePlan {
    return {
        database,
        schema,
        owner: "sysmanage_owner",
        roles: [
            {
                role: "sysmanage_write",
                via: "write",
                login: true,
                connectionLimit: -1,
                description: "application writes (DML, no DDL) through the -rw pooler",
                // The seed's server-wide 60s, now the write role's only (issue 19 finding 7).
                statementTimeoutMs: 60_000,
                idleInTransactionTimeoutMs: 60_000,
                schemaPrivileges: ["USAGE"],
                tablePrivileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
                sequencePrivileges: ["USAGE", "SELECT", "UPDATE"],
            },
            {
                role: "sysmanage_read",
                via: "read",
                login: true,
                connectionLimit: -1,
                description: "application reads through the -ro pooler (replicas)",
                // At most the main cluster's max_standby_streaming_delay (30s, postgresParams.ts):
                // a read it allows is not cancelled by a replication conflict first.
                statementTimeoutMs: 30_000,
                idleInTransactionTimeoutMs: 60_000,
                schemaPrivileges: ["USAGE"],
                tablePrivileges: ["SELECT"],
                sequencePrivileges: ["SELECT"],
            },
            {
                role: "sysmanage_analytics",
                via: "analytics",
                login: true,
                connectionLimit: -1,
                description: "analytics reads on the analytics replica cluster only",
                // The seed's 1h analytics bound, equal to that cluster's max_standby_streaming_delay;
                // BI tools hold a transaction across a report's queries: 10 min bounds a forgotten one.
                statementTimeoutMs: 3_600_000,
                idleInTransactionTimeoutMs: 600_000,
                schemaPrivileges: ["USAGE"],
                tablePrivileges: ["SELECT"],
                sequencePrivileges: ["SELECT"],
            },
        ],
    };
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The plan as SQL (for a real server in tests, or a DBA applying it by hand). Passwords are
 * passed in; nothing here logs them.
 */
export function privilegeSql(plan: PrivilegePlan, passwords: Record<string, string>): string[] {
    const s = ident(plan.schema);
    const out = [
        `CREATE ROLE ${ident(plan.owner)} NOLOGIN`,
        `CREATE SCHEMA IF NOT EXISTS ${s} AUTHORIZATION ${ident(plan.owner)}`,
        `REVOKE ALL ON SCHEMA ${s} FROM PUBLIC`,
        `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
    ];
    for (const r of plan.roles) {
        const role = ident(r.role);
        const pw = passwords[r.role];
        if (pw === undefined) throw new Error(`privilegeSql: no password for ${r.role}`);
        out.push(`CREATE ROLE ${role} ${r.login ? "LOGIN" : "NOLOGIN"} CONNECTION LIMIT ${r.connectionLimit} PASSWORD ${lit(pw)}`);
        // Role settings are catalog data: they reach the replicas and the analytics replica cluster.
        out.push(`ALTER ROLE ${role} SET statement_timeout = ${r.statementTimeoutMs}`);
        out.push(`ALTER ROLE ${role} SET idle_in_transaction_session_timeout = ${r.idleInTransactionTimeoutMs}`);
        out.push(`GRANT CONNECT ON DATABASE ${ident(plan.database)} TO ${role}`);
        out.push(`GRANT ${r.schemaPrivileges.join(", ")} ON SCHEMA ${s} TO ${role}`);
        out.push(`GRANT ${r.tablePrivileges.join(", ")} ON ALL TABLES IN SCHEMA ${s} TO ${role}`);
        out.push(`GRANT ${r.sequencePrivileges.join(", ")} ON ALL SEQUENCES IN SCHEMA ${s} TO ${role}`);
        out.push(
            `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(plan.owner)} IN SCHEMA ${s} GRANT ${r.tablePrivileges.join(", ")} ON TABLES TO ${role}`,
        );
        out.push(
            `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(plan.owner)} IN SCHEMA ${s} GRANT ${r.sequencePrivileges.join(", ")} ON SEQUENCES TO ${role}`,
        );
    }
    return out;
}
