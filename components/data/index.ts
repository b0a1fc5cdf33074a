export * from "./dataOperators";
export * from "./postgresCluster";
export * from "./connectionPooler";
export * from "./databaseRoles";
export * from "./redisCluster";
export * from "./previousOutputs";
export * from "./shardMapConfig";
