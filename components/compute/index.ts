export * from "./scalableService";
export * from "./analyticsService";
export * from "./overprovisioning";
