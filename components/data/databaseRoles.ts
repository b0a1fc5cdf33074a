import * as k8s from "@pulumi/kubernetes";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { roleSecretName, type PrivilegePlan, type RolePlan } from "../../lib/data/privileges";

export interface DatabaseRolesArgs {
    readonly namespace: pulumi.Input<string>;
    readonly labels: Record<string, string>;
    readonly plan: PrivilegePlan;
    /** Keepers of every role's RandomPassword: a change replaces (rotates) the passwords. */
    readonly passwordKeepers?: Record<string, string>;
    /**
     * Prefix of the role Secrets' names (a shard's cluster name: `sysmanage-pg-shard-0-sysmanage-write`),
     * so the same roles on several clusters each have their own Secret.
     * @default none: the role's own name (`sysmanage-write`)
     */
    readonly secretPrefix?: string;
    /** Pooler Service each role's app Secret points at (role -> service). */
    readonly endpoints: Record<string, string>;
    /** Declare roles and grants through @pulumi/postgresql (the deployer must reach the primary). */
    readonly manage?: {
        readonly host: string;
        readonly port: number;
        readonly sslmode: string;
        readonly adminUsername: string;
        readonly adminPassword: pulumi.Input<string>;
        /** The main cluster: roles are created once it is Ready. */
        readonly dependsOn: pulumi.Resource[];
    };
}

const PASSWORD = { length: 40, special: false, minUpper: 2, minLower: 2, minNumeric: 2 };

/** Where role management connects: a provider as the admin role (not a superuser) and the application schema. */
interface Management {
    readonly provider: postgresql.Provider;
    readonly schema: postgresql.Schema;
}

function declareManagement(
    name: string,
    manage: NonNullable<DatabaseRolesArgs["manage"]>,
    plan: PrivilegePlan,
    parent: pulumi.Resource,
): Management {
    const provider = new postgresql.Provider(
        `${name}-provider`,
        {
            host: manage.host,
            port: manage.port,
            database: plan.database,
            username: manage.adminUsername,
            password: manage.adminPassword,
            sslmode: manage.sslmode,
            superuser: false,
        },
        { parent, dependsOn: manage.dependsOn },
    );
    const schema = new postgresql.Schema(
        `${name}-schema`,
        { name: plan.schema, database: plan.database, owner: plan.owner },
        { parent, provider },
    );
    return { provider, schema };
}

/** A login role and its privileges: on the database, the schema, its tables and sequences, and what the owner creates later. */
function declareRole(
    name: string,
    r: RolePlan,
    plan: PrivilegePlan,
    password: pulumi.Output<string>,
    parent: pulumi.Resource,
    m: Management,
): void {
    const { provider, schema } = m;
    const role = new postgresql.Role(
        `${name}-${r.role}`,
        {
            name: r.role,
            login: r.login,
            password,
            connectionLimit: r.connectionLimit,
            statementTimeout: r.statementTimeoutMs,
            idleInTransactionSessionTimeout: r.idleInTransactionTimeoutMs,
        },
        { parent, provider },
    );
    const opts = { parent, provider, dependsOn: [schema, role] };
    const on = { database: plan.database, role: r.role };
    const inSchema = { ...on, schema: plan.schema };
    new postgresql.Grant(`${name}-${r.role}-connect`, { ...on, objectType: "database", privileges: ["CONNECT"] }, opts);
    new postgresql.Grant(`${name}-${r.role}-schema`, { ...inSchema, objectType: "schema", privileges: [...r.schemaPrivileges] }, opts);
    new postgresql.Grant(`${name}-${r.role}-tables`, { ...inSchema, objectType: "table", privileges: [...r.tablePrivileges] }, opts);
    new postgresql.Grant(
        `${name}-${r.role}-sequences`,
        { ...inSchema, objectType: "sequence", privileges: [...r.sequencePrivileges] },
        opts,
    );
    // Tables the owner creates later are covered too.
    const owned = { ...on, owner: plan.owner, schema: plan.schema };
    new postgresql.DefaultPrivileges(
        `${name}-${r.role}-default-tables`,
        { ...owned, objectType: "table", privileges: [...r.tablePrivileges] },
        opts,
    );
    new postgresql.DefaultPrivileges(
        `${name}-${r.role}-default-sequences`,
        { ...owned, objectType: "sequence", privileges: [...r.sequencePrivileges] },
        opts,
    );
}

/**
 * Roles, grants and passwords. Every role gets a long alphanumeric password (safe in a
 * connection string) from @pulumi/random, stored only as secret outputs and delivered to the
 * app as a Kubernetes Secret per role. With `manage`, the roles, schema and grants of the
 * privilege plan are declared through @pulumi/postgresql as a non-superuser with TLS.
 */
export class DatabaseRoles extends pulumi.ComponentResource {
    /** Kubernetes Secret name per role. */
    public readonly secretNames: Record<string, string>;
    /** The role Secrets by name: the connected Deployments wait for them, so a rotated password is in them before they roll. */
    public readonly secrets = new Map<string, k8s.core.v1.Secret>();

    constructor(name: string, args: DatabaseRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:data:DatabaseRoles", name, {}, opts);
        const child = { parent: this };
        const plan = args.plan;
        const management = args.manage ? declareManagement(name, args.manage, plan, this) : undefined;

        this.secretNames = {};
        for (const r of plan.roles) {
            const password = new random.RandomPassword(`${name}-${r.role}-password`, { ...PASSWORD, keepers: args.passwordKeepers }, child);
            const host = args.endpoints[r.role];
            if (!host) throw new Error(`DatabaseRoles: no pooler endpoint for role ${r.role}`);
            const secretName = roleSecretName(r.role, args.secretPrefix);
            this.secretNames[r.role] = secretName;
            const secret = new k8s.core.v1.Secret(
                `${name}-${r.role}-secret`,
                {
                    metadata: { name: secretName, namespace: args.namespace, labels: args.labels },
                    type: "Opaque",
                    stringData: {
                        username: r.role,
                        password: password.result,
                        host,
                        port: "5432",
                        dbname: plan.database,
                        uri: pulumi.interpolate`postgresql://${r.role}:${password.result}@${host}:5432/${plan.database}?sslmode=require`,
                    },
                },
                child,
            );
            this.secrets.set(secretName, secret);
            if (management) declareRole(name, r, plan, password.result, this, management);
        }
        this.registerOutputs({ secretNames: this.secretNames });
    }
}
