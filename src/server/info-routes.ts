/** @module GET /v1/models, /v1/models/:id, /health and /metrics. */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "./context.js";
import { checkModelName } from "./generation-endpoint.js";

/**
 * Registers the read-only routes.
 * @example
 * infoRoutes(app, server, () => draining);
 */
export function infoRoutes(app: FastifyInstance, server: ServerContext, draining: () => boolean): void {
  const created = Math.floor(Date.now() / 1000);
  const card = () => ({
    id: server.modelName,
    object: "model",
    created,
    owned_by: "rio",
    max_model_len: server.defaults.contextLength,
  });
  app.get("/v1/models", async () => ({ object: "list", data: [card()] }));
  app.get<{ Params: { id: string } }>("/v1/models/:id", async (request) => {
    checkModelName(server, request.params.id);
    return card();
  });
  app.get("/health", async (_request, reply) => {
    reply.status(draining() ? 503 : 200);
    return {
      status: draining() ? "shutting_down" : "ok",
      model: server.modelName,
      active_sequences: server.scheduler.activeSequences,
      queue_depth: server.scheduler.queueDepth,
    };
  });
  app.get("/metrics", async (_request, reply) => {
    reply.type("text/plain; version=0.0.4; charset=utf-8");
    return server.metrics.render();
  });
}
