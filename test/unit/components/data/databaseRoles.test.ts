/** DatabaseRoles: passwords, app Secrets and (with `manage`) roles and grants, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DatabaseRoles, type DatabaseRolesArgs } from "../../../../components/data/databaseRoles";
import type { RolePlan } from "../../../../lib/data/privileges";
import { construct, MOCK_PASSWORD, named, stub, typesAndNames } from "../../../support/components";

const write: RolePlan = {
    role: "sysmanage_write",
    via: "write",
    login: true,
    connectionLimit: -1,
    description: "application writes",
    statementTimeoutMs: 60_000,
    idleInTransactionTimeoutMs: 60_000,
    schemaPrivileges: ["USAGE"],
    tablePrivileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
    sequencePrivileges: ["USAGE", "SELECT", "UPDATE"],
};
const read: RolePlan = {
    ...write,
    role: "sysmanage_read",
    via: "read",
    connectionLimit: 50,
    statementTimeoutMs: 30_000,
    tablePrivileges: ["SELECT"],
    sequencePrivileges: ["SELECT"],
};
const labels = { "app.kubernetes.io/component": "database" };
const args: DatabaseRolesArgs = {
    namespace: "sysmanage-test",
    labels,
    plan: { database: "sysmanage", schema: "app", owner: "sysmanage_owner", roles: [write, read] },
    endpoints: { sysmanage_write: "sysmanage-pg-pooler-rw", sysmanage_read: "sysmanage-pg-pooler-ro" },
};
const managed = (): DatabaseRolesArgs => ({
    ...args,
    manage: {
        host: "127.0.0.1",
        port: 5432,
        sslmode: "require",
        adminUsername: "sysmanage_admin",
        adminPassword: "admin-password",
        dependsOn: [stub("postgres-cluster")],
    },
});
const child = { parent: "db-roles", dependsOn: [], ignoreChanges: [] };
const PASSWORD = { length: 40, special: false, minUpper: 2, minLower: 2, minNumeric: 2 };

/** What each role gets: a password and a Secret, then (managed) the role and its grants. */
const perRole = (role: string, managedToo: boolean): [string, string][] => [
    ["random:index/randomPassword:RandomPassword", `db-roles-${role}-password`],
    ["kubernetes:core/v1:Secret", `db-roles-${role}-secret`],
    ...(managedToo
        ? ([
              ["postgresql:index/role:Role", `db-roles-${role}`],
              ["postgresql:index/grant:Grant", `db-roles-${role}-connect`],
              ["postgresql:index/grant:Grant", `db-roles-${role}-schema`],
              ["postgresql:index/grant:Grant", `db-roles-${role}-tables`],
              ["postgresql:index/grant:Grant", `db-roles-${role}-sequences`],
              ["postgresql:index/defaultPrivileges:DefaultPrivileges", `db-roles-${role}-default-tables`],
              ["postgresql:index/defaultPrivileges:DefaultPrivileges", `db-roles-${role}-default-sequences`],
          ] as [string, string][])
        : []),
];

describe("DatabaseRoles", () => {
    it("unmanaged: a password and an app Secret per role, children of the component", async () => {
        const { self, children } = await construct(DatabaseRoles, "db-roles", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:data:DatabaseRoles", "db-roles"]]);
        assert.deepEqual(typesAndNames(children), [...perRole("sysmanage_write", false), ...perRole("sysmanage_read", false)]);
        assert.deepEqual(named(children, "db-roles-sysmanage_read-password"), {
            type: "random:index/randomPassword:RandomPassword",
            name: "db-roles-sysmanage_read-password",
            inputs: PASSWORD,
            options: child,
        });
    });

    it("each role's Secret holds the connection through the role's pooler, with the generated password", async () => {
        const { component, children } = await construct(DatabaseRoles, "db-roles", args);
        assert.deepEqual(named(children, "db-roles-sysmanage_write-secret"), {
            type: "kubernetes:core/v1:Secret",
            name: "db-roles-sysmanage_write-secret",
            inputs: {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "sysmanage-write", namespace: "sysmanage-test", labels },
                type: "Opaque",
                stringData: {
                    username: "sysmanage_write",
                    password: MOCK_PASSWORD,
                    host: "sysmanage-pg-pooler-rw",
                    port: "5432",
                    dbname: "sysmanage",
                    uri: `postgresql://sysmanage_write:${MOCK_PASSWORD}@sysmanage-pg-pooler-rw:5432/sysmanage?sslmode=require`,
                },
            },
            options: child,
        });
        assert.equal(named(children, "db-roles-sysmanage_read-secret").inputs.stringData.host, "sysmanage-pg-pooler-ro");
        assert.deepEqual(component.secretNames, { sysmanage_write: "sysmanage-write", sysmanage_read: "sysmanage-read" });
    });

    it("managed: a provider as the admin role over TLS after the cluster, the schema, and per role its role, grants and default privileges", async () => {
        const { children } = await construct(DatabaseRoles, "db-roles", managed);
        assert.deepEqual(typesAndNames(children), [
            ["pulumi:providers:postgresql", "db-roles-provider"],
            ["postgresql:index/schema:Schema", "db-roles-schema"],
            ...perRole("sysmanage_write", true),
            ...perRole("sysmanage_read", true),
        ]);
        const provider = named(children, "db-roles-provider");
        // connectTimeout is the provider's default (or PGCONNECT_TIMEOUT): not the component's.
        const { connectTimeout: _, ...inputs } = provider.inputs;
        assert.deepEqual(inputs, {
            host: "127.0.0.1",
            port: "5432",
            database: "sysmanage",
            username: "sysmanage_admin",
            password: "admin-password",
            sslmode: "require",
            superuser: "false",
        });
        assert.deepEqual(provider.options, { parent: "db-roles", dependsOn: ["postgres-cluster"], ignoreChanges: [] });
        assert.deepEqual(named(children, "db-roles-schema"), {
            type: "postgresql:index/schema:Schema",
            name: "db-roles-schema",
            inputs: { name: "app", database: "sysmanage", owner: "sysmanage_owner" },
            options: { ...child, provider: "db-roles-provider" },
        });
    });

    it("managed: the role logs in with the Secret's password and carries its own timeouts; its grants wait for the schema and the role", async () => {
        const { children } = await construct(DatabaseRoles, "db-roles", managed);
        const viaProvider = { ...child, provider: "db-roles-provider" };
        const afterRole = { ...viaProvider, dependsOn: ["db-roles-schema", "db-roles-sysmanage_read"] };
        const inputsOf = (suffix: string) => named(children, `db-roles-sysmanage_read${suffix}`).inputs;
        assert.deepEqual(named(children, "db-roles-sysmanage_read"), {
            type: "postgresql:index/role:Role",
            name: "db-roles-sysmanage_read",
            // Issue 19 finding 7: the timeouts are the role's (ALTER ROLE ... SET), not the server's.
            inputs: {
                name: "sysmanage_read",
                login: true,
                password: MOCK_PASSWORD,
                connectionLimit: 50,
                statementTimeout: 30_000,
                idleInTransactionSessionTimeout: 60_000,
            },
            options: viaProvider,
        });
        const on = { database: "sysmanage", role: "sysmanage_read" };
        assert.deepEqual(["-connect", "-schema", "-tables", "-sequences", "-default-tables", "-default-sequences"].map(inputsOf), [
            { ...on, objectType: "database", privileges: ["CONNECT"] },
            { ...on, schema: "app", objectType: "schema", privileges: ["USAGE"] },
            { ...on, schema: "app", objectType: "table", privileges: ["SELECT"] },
            { ...on, schema: "app", objectType: "sequence", privileges: ["SELECT"] },
            { ...on, owner: "sysmanage_owner", schema: "app", objectType: "table", privileges: ["SELECT"] },
            { ...on, owner: "sysmanage_owner", schema: "app", objectType: "sequence", privileges: ["SELECT"] },
        ]);
        for (const suffix of ["-connect", "-schema", "-tables", "-sequences", "-default-tables", "-default-sequences"])
            assert.deepEqual(named(children, `db-roles-sysmanage_read${suffix}`).options, afterRole, suffix);
        assert.deepEqual(named(children, "db-roles-sysmanage_write-default-sequences").inputs.privileges, ["USAGE", "SELECT", "UPDATE"]);
    });

    it("refuses a role without a pooler endpoint, naming the role", async () => {
        await assert.rejects(construct(DatabaseRoles, "db-roles", { ...args, endpoints: { sysmanage_write: "sysmanage-pg-pooler-rw" } }), {
            message: "DatabaseRoles: no pooler endpoint for role sysmanage_read",
        });
    });
});
