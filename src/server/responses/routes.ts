/**
 * @module OpenAI's Responses API: POST /v1/responses (a whole response, or server-sent events with
 * `stream: true`), GET /v1/responses/{id} and DELETE /v1/responses/{id} over the stored responses.
 * Generation runs as chat completions' does: same admission, cancellation on disconnect, metrics, and
 * with built-in tools the same agent loop, each tool run an output item.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { GenerateSummary } from "../../decoding/index.js";
import type { ServerContext } from "../context.js";
import { responseFiles } from "../document-input.js";
import { ApiError, toApiError } from "../errors.js";
import { admitted, checkModelName, countedTokens, runContext } from "../generation-endpoint.js";
import { audit, checkModelAllowed, endpointRails, railResponseInput, toolResultRail } from "../guard.js";
import { responseMedia } from "../media-input.js";
import { parseBody } from "../schemas/validate.js";
import { failedResponse, finishedResponse, inProgressResponse, responseHead } from "./envelope.js";
import { ResponseEventStream } from "./event-stream.js";
import { responsesRequestSchema } from "./schema.js";
import { responseTurn } from "./turn.js";

/**
 * Registers the routes.
 * @example
 * responsesRoutes(app, server);
 */
export function responsesRoutes(app: FastifyInstance, server: ServerContext): void {
  app.post("/v1/responses", createResponse(server));
  app.get<{ Params: { id: string } }>("/v1/responses/:id", async (request) => {
    const response = server.responses.get(request.params.id);
    if (!response) throw responseNotFound(request.params.id);
    return response;
  });
  app.delete<{ Params: { id: string } }>("/v1/responses/:id", async (request) => {
    if (!server.responses.delete(request.params.id)) throw responseNotFound(request.params.id);
    return { id: request.params.id, object: "response", deleted: true };
  });
}

function createResponse(server: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const body = parseBody(responsesRequestSchema, request.body);
    checkModelName(server, body.model);
    checkModelAllowed(request, server.modelName);
    const rails = endpointRails(server, request, undefined, "/v1/responses", "unjudged-output");
    if (body.conversation != null)
      throw new ApiError(
        400,
        "conversation: Rio keeps conversations through previous_response_id only",
        "invalid_request_error",
        "conversation",
      );
    // files become text before the turn is built and before the input is stored
    const files = await responseFiles(server, body.input);
    body.input = rails ? await railResponseInput(server, request, rails, body.input, files) : files;
    const history = body.previous_response_id
      ? server.responses.conversation(body.previous_response_id, body.input.length)
      : [];
    // images are encoded again each turn: the stored conversation keeps them as the client sent them
    const media = await responseMedia(server.vision, history, body.input);
    const turn = responseTurn(
      server,
      body,
      request.log,
      rails && {
        rails,
        report: (findings) => audit(server, request, findings),
        railToolResults: toolResultRail(server, request, rails),
      },
      { history, media },
    );
    const job = turn.job;
    const run = countedTokens(server, reply, turn.run);
    const head = responseHead(body, server.modelName);
    // saved before the client sees it, so a follow-up naming it as previous_response_id finds it
    const finish = (summary: GenerateSummary) => {
      const guard = job.format.rails;
      const response = finishedResponse(
        head,
        job.format.output.items,
        summary,
        job.format.reasoningTokens,
        guard?.blocked !== undefined,
      );
      const report = guard?.report();
      if (report) response.rio = { guardrails: report };
      if (response.store) server.responses.save(response, body.input);
      return response;
    };
    return admitted(server, reply, 1, async (ticket) => {
      job.request.signal = ticket.signal;
      const ctx = runContext(server);
      if (!body.stream) return finish((await run(ctx, job, () => {})).summary);
      reply.hijack();
      const events = new ResponseEventStream(reply.raw);
      const started = inProgressResponse(head);
      events.send({ type: "response.created", response: started });
      events.send({ type: "response.in_progress", response: started });
      try {
        const result = await run(ctx, job, (fields) => {
          for (const event of fields) events.send(event);
        });
        const response = finish(result.summary);
        events.send({ type: `response.${response.status}`, response });
      } catch (error) {
        // after the headers, a failure (shutdown, engine error) can only be told in the stream
        const failed = failedResponse(head, job.format.output.items, toApiError(error).message);
        events.send({ type: "response.failed", response: failed });
      } finally {
        events.end();
      }
      return undefined;
    });
  };
}

function responseNotFound(id: string): ApiError {
  return new ApiError(
    404,
    `no stored response has the id ${JSON.stringify(id)}`,
    "invalid_request_error",
    null,
    "not_found",
  );
}
