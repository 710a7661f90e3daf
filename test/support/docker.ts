// Whether the Docker tests run: they need an engine and the local base image (.ci/run provides both).
import Docker from "dockerode";
import { DockerDriver } from "../../runtime/index.js";

export const docker = new Docker();
export const hasDocker = await DockerDriver.reachable(docker);
if (process.env["CI"] === "true" && !hasDocker) {
  throw new Error("CI=true but no Docker engine answers: .ci/run must install docker.io and start dockerd");
}

/** Containers of `app` that exist (running or not). */
export async function containersOf(app: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`zeroscale.dev/app=${app}`] } });
}
