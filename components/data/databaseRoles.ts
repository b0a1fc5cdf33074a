import * as k8s from "@pulumi/kubernetes";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { PrivilegePlan } from "../../lib/data/privileges";

export interface DatabaseRolesArgs {
    readonly namespace: pulumi.Input<string>;
    readonly labels: Record<string, string>;
    readonly plan: PrivilegePlan;
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

/**
 * Roles, grants and passwords. Every role gets a long alphanumeric password (safe in a
 * connection string) from @pulumi/random, stored only as secret outputs and delivered to the
 * app as a Kubernetes Secret per role. With `manage`, the roles, schema and grants of the
 * privilege plan are declared through @pulumi/postgresql as a non-superuser with TLS.
 */
export class DatabaseRoles extends pulumi.ComponentResource {
    /** Kubernetes Secret name per role. */
    public readonly secretNames: Record<string, string>;

    constructor(name: string, args: DatabaseRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:data:DatabaseRoles", name, {}, opts);
        const child = { parent: this };
        const plan = args.plan;
        let provider: postgresql.Provider | undefined;
        let schema: postgresql.Schema | undefined;
        if (args.manage) {
            provider = new postgresql.Provider(
                `${name}-provider`,
                {
                    host: args.manage.host,
                    port: args.manage.port,
                    database: plan.database,
                    username: args.manage.adminUsername,
                    password: args.manage.adminPassword,
                    sslmode: args.manage.sslmode,
                    superuser: false,
                },
                { ...child, dependsOn: args.manage.dependsOn },
            );
            schema = new postgresql.Schema(
                `${name}-schema`,
                { name: plan.schema, database: plan.database, owner: plan.owner },
                { ...child, provider },
            );
        }

        this.secretNames = {};
        for (const r of plan.roles) {
            const password = new random.RandomPassword(`${name}-${r.role}-password`, PASSWORD, child);
            const host = args.endpoints[r.role];
            if (!host) throw new Error(`DatabaseRoles: no pooler endpoint for role ${r.role}`);
            const secretName = r.role.replace(/_/g, "-");
            this.secretNames[r.role] = secretName;
            new k8s.core.v1.Secret(
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
            if (!provider || !schema) continue;
            const o = { ...child, provider, dependsOn: [schema] };
            const role = new postgresql.Role(
                `${name}-${r.role}`,
                { name: r.role, login: r.login, password: password.result, connectionLimit: r.connectionLimit },
                { ...child, provider },
            );
            const ro = { ...o, dependsOn: [schema, role] };
            new postgresql.Grant(
                `${name}-${r.role}-connect`,
                { database: plan.database, role: r.role, objectType: "database", privileges: ["CONNECT"] },
                ro,
            );
            new postgresql.Grant(
                `${name}-${r.role}-schema`,
                { database: plan.database, role: r.role, schema: plan.schema, objectType: "schema", privileges: [...r.schemaPrivileges] },
                ro,
            );
            new postgresql.Grant(
                `${name}-${r.role}-tables`,
                { database: plan.database, role: r.role, schema: plan.schema, objectType: "table", privileges: [...r.tablePrivileges] },
                ro,
            );
            new postgresql.Grant(
                `${name}-${r.role}-sequences`,
                {
                    database: plan.database,
                    role: r.role,
                    schema: plan.schema,
                    objectType: "sequence",
                    privileges: [...r.sequencePrivileges],
                },
                ro,
            );
            // Tables the owner creates later are covered too.
            new postgresql.DefaultPrivileges(
                `${name}-${r.role}-default-tables`,
                {
                    database: plan.database,
                    role: r.role,
                    owner: plan.owner,
                    schema: plan.schema,
                    objectType: "table",
                    privileges: [...r.tablePrivileges],
                },
                ro,
            );
            new postgresql.DefaultPrivileges(
                `${name}-${r.role}-default-sequences`,
                {
                    database: plan.database,
                    role: r.role,
                    owner: plan.owner,
                    schema: plan.schema,
                    objectType: "sequence",
                    privileges: [...r.sequencePrivileges],
                },
                ro,
            );
        }
        this.registerOutputs({ secretNames: this.secretNames });
    }
}
