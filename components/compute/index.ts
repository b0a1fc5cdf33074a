export * from "./scalableService";
export * from "./analyticsService";
export * from "./overprovisioning";
export * from "./nodePools";
