export { Gateway, type GatewayOptions, type FunctionStatus, freePort } from "./gateway/gateway.js";
export { ProcessDriver } from "./drivers/process.js";
export { DockerDriver, type DockerDriverOptions } from "./drivers/docker.js";
export { type Driver, DriverError, type Instance, type InstanceSpec } from "./drivers/types.js";
export { UnsupportedInDevError } from "./connectors/index.js";
export { type DataPlane, type DataPlaneFunction, type DataPlaneLoad, type DataPlaneRequest, type DataPlaneStart, type DataPlaneStats, type Endpoint, NodeDataPlane } from "./gateway/data-plane.js";
export { DATA_PLANES, type DataPlaneChoice, findHaproxy } from "./gateway/planes.js";
