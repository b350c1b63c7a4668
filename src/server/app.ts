/**
 * @module The Fastify application: body limit, API-key check and per-key rate limit on /v1, OpenAI-shaped errors for every
 * failure (including the framework's own: bad JSON, body too large, unknown route), request metrics and
 * the routes.
 */
import multipart from "@fastify/multipart";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { chatCompletions } from "./chat-route.js";
import { completions } from "./completion-route.js";
import type { ServerContext } from "./context.js";
import { detectionRoutes } from "./detection-route.js";
import { ApiError, toApiError } from "./errors.js";
import { authenticate } from "./guard.js";
import { infoRoutes } from "./info-routes.js";
import { moderations } from "./moderation-route.js";
import { responsesRoutes } from "./responses/routes.js";
import { multipartLimits, transcriptions } from "./transcription-route.js";

/** Options of buildApp. */
export interface AppOptions {
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** Fastify's logger option (pino): false, true or pino options. */
  logger: FastifyServerOptions["logger"];
  /** True once shutdown began. */
  draining(): boolean;
}

/**
 * The application over one server context (not listening yet).
 * @example
 * const app = buildApp(server, { bodyLimit: 4 << 20, logger: false, draining: () => false });
 * await app.listen({ host: "127.0.0.1", port: 0 });
 */
export function buildApp(server: ServerContext, opts: AppOptions): FastifyInstance {
  const app = Fastify({ logger: opts.logger, bodyLimit: opts.bodyLimit, return503OnClosing: true });
  app.addHook("onRequest", async (request) => {
    if (request.url.startsWith("/v1/")) authenticate(server, request);
  });
  app.addHook("onResponse", async (request, reply) => {
    server.metrics.countRequest(request.routeOptions.url ?? "unknown", reply.statusCode);
  });
  app.setErrorHandler(async (error, request, reply) => {
    const api = toApiError(error);
    if (api.status >= 500) request.log.error({ err: error }, api.message);
    else request.log.info({ status: api.status, code: api.code }, api.message);
    if (reply.raw.headersSent || reply.raw.destroyed) return;
    return reply.status(api.status).headers(api.headers).send(api.body());
  });
  app.setNotFoundHandler(async (request, reply) => {
    const api = new ApiError(
      404,
      `no route ${request.method} ${request.url}`,
      "invalid_request_error",
      null,
      "not_found",
    );
    return reply.status(404).send(api.body());
  });
  app.post("/v1/chat/completions", chatCompletions(server));
  app.post("/v1/completions", completions(server));
  app.post("/v1/moderations", moderations(server));
  // multipart bodies (the transcription form) are parsed by the route, under its own limits
  app.register(multipart, { limits: multipartLimits(server), throwFileSizeLimit: true });
  app.register(async (scope) => {
    scope.post("/v1/audio/transcriptions", transcriptions(server));
  });
  responsesRoutes(app, server);
  detectionRoutes(app, server);
  infoRoutes(app, server, opts.draining);
  return app;
}
