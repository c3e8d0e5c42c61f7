/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the parts a replay reads, and the
 * recording it is normalised into. Fields starting with `_` are HAR's convention for custom ones.
 */

export interface HarHeader {
  name: string;
  value: string;
}

/** One HTTP chunk of a response, as the recorder saw it arrive: ms from the request's start. */
export interface HarChunk {
  offsetMs: number;
  text: string;
}

export interface HarContent {
  size: number;
  mimeType: string;
  /** The body as sent (decoded from any `Content-Encoding`), or base64 when `encoding` says so. */
  text?: string;
  encoding?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  headers: HarHeader[];
  queryString: HarHeader[];
  cookies?: unknown[];
  postData?: { mimeType: string; text?: string; encoding?: string };
  headersSize: number;
  bodySize: number;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: HarHeader[];
  cookies?: unknown[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  /** ollama-rx's recorder: each HTTP chunk as it arrived. */
  _chunks?: HarChunk[];
}

/** Phases in ms; -1 where one does not apply. */
export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  ssl?: number;
  send: number;
  wait: number;
  receive: number;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: object;
  timings: HarTimings;
}

export interface Har {
  log: {
    version: string;
    creator: { name: string; version: string };
    entries: HarEntry[];
    pages?: unknown[];
  };
}

/** A request as a replay sees it: what matching compares. */
export interface ReplayRequest {
  method: string;
  /** The URL's path, without the query. */
  path: string;
  /** The JSON body, parsed; the text when it is not JSON; undefined when there is none. */
  body: unknown;
}

/** One recorded exchange, ready to replay. */
export interface RecordedEntry extends ReplayRequest {
  status: number;
  statusText: string;
  headers: ReadonlyArray<readonly [string, string]>;
  /** When the response's headers arrived, in ms from the request's start. */
  headersMs: number;
  /** The body's pieces in order, each with when it arrived. */
  chunks: ReadonlyArray<{ offsetMs: number; bytes: Uint8Array }>;
  mimeType: string;
}

/** A loaded HAR: its entries in the order they were recorded. */
export interface Recording {
  readonly entries: readonly RecordedEntry[];
}

/** Replaces the matching rule: whether `entry` answers `request`. */
export type MatchRule = (request: ReplayRequest, entry: RecordedEntry) => boolean;

export interface ReplayOptions {
  /** 1 (the default) replays at the recorded pace, 2 twice as fast, 0 as fast as possible. */
  speed?: number;
  match?: MatchRule;
}
