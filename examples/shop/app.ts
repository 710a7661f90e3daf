// examples/shop: three services built from one user-defined construct, with per-environment settings.
import { App } from "zeroscale";
import { Microservice } from "./microservice.js";

/** What differs between environments. */
export interface ShopEnvironment {
  readonly name: "dev" | "prod";
}

export function buildShop(env: ShopEnvironment): App {
  const prod = env.name === "prod";
  const app = new App({ name: prod ? "shop" : "shop-dev", labels: { environment: env.name } });
  new Microservice(app, "cart", { code: "services/cart", path: "/cart", database: "shop-cart-db", maxInstances: prod ? 20 : 2 });
  new Microservice(app, "catalog", { code: "services/catalog", path: "/catalog", database: "shop-catalog-db", maxInstances: prod ? 50 : 2, minInstances: prod ? 2 : 0 });
  new Microservice(app, "checkout", { code: "services/checkout", path: "/checkout", database: "shop-orders-db", maxInstances: prod ? 10 : 1, memory: prod ? "256Mi" : "128Mi" });
  return app;
}

export const app = buildShop({ name: "dev" });
export default app;
