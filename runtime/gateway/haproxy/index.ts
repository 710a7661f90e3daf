/** The HAProxy data plane (docs/data-plane.md): config, runtime API, stats sampler, process, request log. */
export { ACTIVATOR_SERVER, backendName, FREE_SLOT, FRONTEND, haproxyConfig, type HaproxyConfigInput, type HaproxyFunction, LOG_FORMAT, SLOT_CHECK, type SlotConfig, slotName, sortRoutes } from "./config.js";
export { HaproxyDataPlane, type HaproxyDataPlaneOptions } from "./data-plane.js";
export { LogReceiver, parseLogLine, type RequestLogLine } from "./log.js";
export { HaproxyProcess, type HaproxyProcessOptions, locateHaproxy } from "./process.js";
export { isErrorAnswer, parseShowStat, RuntimeApi, RuntimeApiError, RuntimeApiUnavailable, type StatRow } from "./runtime-api.js";
export { type BackendLoad, LoadSampler, type LoadSamplerOptions, type SamplerClock } from "./stats.js";
