export * from "./charts";
export * from "./metricsAdapter";
export * from "./verticalPodAutoscaler";
export * from "./alertRules";
export * from "./dashboards";
export * from "./priorityClasses";
export * from "./keda";
