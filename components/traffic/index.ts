export * from "./regionalGateway";
export * from "./apiRoutes";
export * from "./globalDns";
