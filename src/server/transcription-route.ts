/**
 * @module POST /v1/audio/transcriptions: OpenAI's multipart form (`file`, `model`, `language`, `prompt`,
 * `response_format` json|text|verbose_json|srt|vtt, `timestamp_granularities[]` segment|word,
 * `temperature`) through the server's speech-to-text engine. `model` is accepted whatever it names: the
 * server has one engine.
 */
import type { MultipartFile, MultipartValue } from "@fastify/multipart";
import type { FastifyReply, FastifyRequest } from "fastify";
import {
  AUDIO_EXTENSIONS,
  AudioInputError,
  formatTranscript,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
} from "../audio/index.js";
import {
  audioApiError,
  audioEngine,
  DEFAULT_MAX_AUDIO_BYTES,
  transcribeForRequest,
  unsupportedFormat,
} from "./audio-input.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";

/** Multipart limits of the route: one file, a few short fields. */
export function multipartLimits(server: ServerContext) {
  return {
    fileSize: server.audio?.maxBytes ?? DEFAULT_MAX_AUDIO_BYTES,
    files: 1,
    fields: 16,
    fieldSize: 64 * 1024,
    parts: 20,
  };
}

interface Form {
  file?: { bytes: Buffer; filename: string };
  fields: Map<string, string[]>;
}

const invalid = (message: string, param: string | null, code: string | null = "invalid_value") =>
  new ApiError(400, message, "invalid_request_error", param, code);

/**
 * The route handler.
 * @example
 * app.post("/v1/audio/transcriptions", transcriptions(server));
 */
export function transcriptions(server: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const audio = audioEngine(server.audio, null);
    if (!request.isMultipart())
      throw invalid(
        "expected a multipart/form-data body with the audio in its `file` field",
        null,
        "invalid_content_type",
      );
    const form = await readForm(request, audio.maxBytes ?? DEFAULT_MAX_AUDIO_BYTES);
    const field = (name: string) => form.fields.get(name)?.at(-1);
    const format = (field("response_format") ?? "json") as TranscriptFormat;
    if (!TRANSCRIPT_FORMATS.includes(format))
      throw invalid(
        `response_format must be one of ${TRANSCRIPT_FORMATS.join(", ")}, not ${JSON.stringify(format)}`,
        "response_format",
      );
    const granularities = [
      ...(form.fields.get("timestamp_granularities[]") ?? []),
      ...(form.fields.get("timestamp_granularities") ?? []),
    ];
    for (const g of granularities)
      if (g !== "segment" && g !== "word")
        throw invalid(
          `timestamp_granularities: "segment" or "word", not ${JSON.stringify(g)}`,
          "timestamp_granularities",
        );
    if (granularities.length > 0 && format !== "verbose_json")
      throw invalid("timestamp_granularities needs response_format verbose_json", "timestamp_granularities");
    if (!form.file)
      throw invalid(
        "the form has no `file` field: send the audio as a file named `file`",
        "file",
        "missing_file",
      );
    const extension = /\.([^./]+)$/.exec(form.file.filename)?.[1];
    if (extension && !(AUDIO_EXTENSIONS as readonly string[]).includes(extension.toLowerCase()))
      throw audioApiError(unsupportedFormat(extension), "file");
    if (form.file.bytes.length === 0)
      throw audioApiError(new AudioInputError("the file is empty", "undecodable"), "file");
    const language = field("language") || undefined;
    const abort = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableEnded) abort.abort(new Error("the client went away"));
    };
    reply.raw.once("close", onClose);
    try {
      const transcript = await transcribeForRequest(audio, form.file.bytes, "file", {
        language: language?.toLowerCase(),
        prompt: field("prompt"),
        signal: abort.signal,
      });
      const out = formatTranscript(transcript, format, transcript.duration, granularities.includes("word"));
      return reply.header("content-type", out.contentType).send(out.body);
    } finally {
      reply.raw.off("close", onClose);
    }
  };
}

/** The form's file and fields; multipart failures become 400s (a file over the limit: audio_too_large). */
async function readForm(request: FastifyRequest, maxBytes: number): Promise<Form> {
  const form: Form = { fields: new Map() };
  try {
    for await (const part of request.parts()) {
      if (part.type === "file") {
        const file = part as MultipartFile;
        if (file.fieldname !== "file") {
          file.file.resume();
          throw invalid(
            `unexpected file field ${JSON.stringify(file.fieldname)}: the audio goes in \`file\``,
            file.fieldname,
          );
        }
        form.file = { bytes: await file.toBuffer(), filename: file.filename ?? "" };
      } else {
        const value = part as MultipartValue;
        const values = form.fields.get(value.fieldname) ?? [];
        values.push(String(value.value));
        form.fields.set(value.fieldname, values);
      }
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const code = (error as { code?: string }).code;
    if (code === "FST_REQ_FILE_TOO_LARGE")
      throw audioApiError(
        new AudioInputError(`the audio is larger than ${maxBytes} bytes`, "too-large"),
        "file",
      );
    if (code === "FST_FILES_LIMIT") throw invalid("only one file per request", "file");
    throw invalid(`unreadable multipart body: ${(error as Error).message}`, null, "invalid_multipart");
  }
  return form;
}
