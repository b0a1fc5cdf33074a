/**
 * What the program and the policy pack share: string and quantity grammars and image pinning
 * (`grammar.ts`), annotation keys (`annotations.ts`), environment floors (`environments.ts`) and the
 * memory models of a Postgres and a Redis instance (`postgresMemory.ts`, `redisMemory.ts`) and the
 * PriorityClasses (`scheduling.ts`) and the shard map's shape (`shardMap.ts`).
 * It lives in the pack so the pack stays self-contained; the program imports it. Pure: no Pulumi.
 */
export * from "./annotations";
export * from "./environments";
export * from "./grammar";
export * from "./postgresMemory";
export * from "./redisMemory";
export * from "./placement";
export * from "./scheduling";
export * from "./shardMap";
