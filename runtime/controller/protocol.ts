/**
 * The Docker controller's wire protocol (runtime/controller/server.ts serves it, driver.ts calls it):
 * HTTP/1.1 over a Unix socket on a volume only the controller and the gateway mount, every request
 * with `authorization: Bearer <token>`. The whole API:
 *
 *   GET  /v1/functions/<fn id, URI-encoded>  -> { containers: [{ id, state }] }   the function's pre-created containers
 *   POST /v1/containers/<id>/start           -> { id, name, fn, host, port }      start one (409 when running)
 *   POST /v1/containers/<id>/stop?t=<s>      -> { stopped: true }                 stop one (SIGTERM, SIGKILL after t s)
 *   GET  /v1/containers/<id>                 -> ContainerState                    state only: never env or config
 *   GET  /v1/containers/<id>/usage           -> { cpuSeconds, memoryBytes } | null
 *   POST /v1/stop                            -> { stopped: <n> }                  stop every running function container
 *   GET  /v1/lease                           -> a response that never ends; when the last lease closes
 *                                               (the gateway died, however) every function container is stopped
 *
 * <id> is a full 64-hex container id of one of the app's pre-created function containers (labelled
 * zeroscale.dev/app=<app>, zeroscale.dev/function, zeroscale.dev/port); anything else is 403. A
 * missing or wrong token is 401, any other method or path 404.
 */

/** Where the controller listens in both containers (the shared volume's mount point). */
export const CONTROLLER_DIR = "/run/zeroscale";
export const CONTROLLER_SOCKET = `${CONTROLLER_DIR}/controller.sock`;
/** The token file the controller writes next to its socket when no token is given to it. */
export const CONTROLLER_TOKEN_FILE = `${CONTROLLER_DIR}/token`;
/** Env overrides (both programs). */
export const ENV_SOCKET = "ZEROSCALE_CONTROLLER_SOCKET";
export const ENV_TOKEN = "ZEROSCALE_CONTROLLER_TOKEN";
export const ENV_TOKEN_FILE = "ZEROSCALE_CONTROLLER_TOKEN_FILE";
