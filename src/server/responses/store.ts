/**
 * @module Stored responses (`store: true`) in SQLite, for `previous_response_id`, GET and DELETE. Each
 * row keeps one response, the input items of its own request and the id it continued, so a conversation
 * is the chain of rows back to its first turn, read with one recursive query. A conversation holds at
 * most MAX_CONVERSATION_ITEMS items: that bounds the chain walk and each request's prompt assembly.
 * Deleting a response breaks the conversations that continue it (continuing them is refused with a 404).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { ApiError } from "../errors.js";
import type { ResponseObject } from "./envelope.js";
import type { InputItem } from "./schema.js";

/** Most items (input and output, all turns) in one stored conversation. */
export const MAX_CONVERSATION_ITEMS = 2048;
/** The database file inside the data folder. */
export const STORE_FILE = "responses.sqlite";

interface ChainRow {
  previous_response_id: string | null;
  items: number;
  input: string;
  response: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS responses (
  id TEXT PRIMARY KEY,
  previous_response_id TEXT,
  created_at INTEGER NOT NULL,
  items INTEGER NOT NULL,
  input TEXT NOT NULL,
  response TEXT NOT NULL
)`;

// newest first; the depth bound stops a walk even on a corrupt, cyclic chain
const CHAIN = `
WITH RECURSIVE chain(id, previous_response_id, items, input, response, depth) AS (
  SELECT id, previous_response_id, items, input, response, 1 FROM responses WHERE id = ?
  UNION ALL
  SELECT r.id, r.previous_response_id, r.items, r.input, r.response, chain.depth + 1
  FROM responses r JOIN chain ON r.id = chain.previous_response_id
  WHERE chain.depth < ${MAX_CONVERSATION_ITEMS}
)
SELECT previous_response_id, items, input, response FROM chain ORDER BY depth`;

/**
 * @example
 * const store = ResponseStore.open("/home/me/.local/share/rio"); // or ResponseStore.open() in memory
 * store.save(response, inputItems);
 * store.conversation(response.id, 1); // earlier items, oldest first
 * store.close();
 */
export class ResponseStore {
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement<[string], { response: string }>;
  private readonly remove: Database.Statement<[string]>;
  private readonly chain: Database.Statement<[string], ChainRow>;

  private constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.insert = db.prepare(
      "INSERT INTO responses (id, previous_response_id, created_at, items, input, response) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.select = db.prepare("SELECT response FROM responses WHERE id = ?");
    this.remove = db.prepare("DELETE FROM responses WHERE id = ?");
    this.chain = db.prepare(CHAIN);
  }

  /** The store in `dataDir/responses.sqlite` (the folder is made if missing), or in memory without a folder. */
  static open(dataDir?: string): ResponseStore {
    if (dataDir === undefined) return new ResponseStore(new Database(":memory:"));
    fs.mkdirSync(dataDir, { recursive: true });
    const db = new Database(path.join(dataDir, STORE_FILE));
    // several server processes may share one data folder: readers do not block the writer
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    return new ResponseStore(db);
  }

  /** Saves a finished response with the input items of its own request. */
  save(response: ResponseObject, input: InputItem[]): void {
    this.insert.run(
      response.id,
      response.previous_response_id,
      response.created_at,
      input.length + response.output.length,
      JSON.stringify(input),
      JSON.stringify(response),
    );
  }

  /** The stored response, or undefined. */
  get(id: string): ResponseObject | undefined {
    const row = this.select.get(id);
    return row && JSON.parse(row.response);
  }

  /** Deletes a response; false when there was none. */
  delete(id: string): boolean {
    return this.remove.run(id).changes > 0;
  }

  /**
   * The conversation up to and including response `id` (every turn's input items, then its output),
   * oldest first; `adding` items are about to join it. 404 when `id` (or a response it continues) is not
   * stored, 400 when the conversation would pass MAX_CONVERSATION_ITEMS.
   */
  conversation(id: string, adding: number): InputItem[] {
    const rows = this.chain.all(id);
    if (rows.length === 0)
      throw previousNotFound(`previous_response_id: no stored response has the id ${JSON.stringify(id)}`);
    const items = rows.reduce((sum, row) => sum + row.items, adding);
    if (items > MAX_CONVERSATION_ITEMS)
      throw new ApiError(
        400,
        `previous_response_id: the conversation would hold ${items} items; a stored conversation keeps at most ${MAX_CONVERSATION_ITEMS}, start a new one`,
        "invalid_request_error",
        "previous_response_id",
        "conversation_too_long",
      );
    const gap = rows.at(-1)?.previous_response_id;
    if (gap)
      throw previousNotFound(
        `previous_response_id: the conversation of ${id} continues ${gap}, which is no longer stored`,
      );
    return rows
      .reverse()
      .flatMap((row) => [
        ...(JSON.parse(row.input) as InputItem[]),
        ...(JSON.parse(row.response) as ResponseObject).output,
      ]);
  }

  close(): void {
    this.db.close();
  }
}

function previousNotFound(message: string): ApiError {
  return new ApiError(
    404,
    message,
    "invalid_request_error",
    "previous_response_id",
    "previous_response_not_found",
  );
}
