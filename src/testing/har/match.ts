import { OllamaError } from '../../core/errors.js';
import type { MatchRule, RecordedEntry, Recording, ReplayRequest } from './types.js';

/**
 * Hands out a recording's entries to the requests of a replay. The default rule matches method,
 * path and JSON body, with keys in any order and Ollama's defaults filled in; identical requests
 * take the identical recordings in recorded order, each once.
 */
export class Matcher {
  private readonly used = new Set<RecordedEntry>();
  private readonly keys = new Map<RecordedEntry, string>();

  constructor(
    private readonly recording: Recording,
    private readonly rule?: MatchRule,
  ) {}

  /** The entry that answers `request`; an `http` 404 `OllamaError` saying "no recording" when none is left. */
  take(request: ReplayRequest): RecordedEntry {
    const key = this.rule ? '' : requestKey(request);
    const entry = this.recording.entries.find(
      (candidate) => !this.used.has(candidate) && (this.rule ? this.rule(request, candidate) : this.keyOf(candidate) === key),
    );
    if (!entry) throw new OllamaError('http', this.noMatch(request, key), { statusCode: 404 });
    this.used.add(entry);
    return entry;
  }

  private keyOf(entry: RecordedEntry): string {
    let key = this.keys.get(entry);
    if (key === undefined) this.keys.set(entry, (key = requestKey(entry)));
    return key;
  }

  /** Names the request and the nearest recorded one. Never says "not found", Ollama's words for a missing model. */
  private noMatch(request: ReplayRequest, key: string): string {
    const entries = this.recording.entries;
    const head = `no recording for ${describe(request)}`;
    if (!entries.length) return `${head}: the recording is empty`;
    let nearest = entries[0]!;
    let best = -1;
    for (const entry of entries) {
      const score = closeness(request, entry);
      if (score > best) [nearest, best] = [entry, score];
    }
    const same = entries.filter((entry) => !this.rule && this.keyOf(entry) === key).length;
    if (same) return `${head}: all ${same} recording(s) of it were replayed already`;
    const fields = differingFields(request.body, nearest.body);
    const why = fields.length ? `, whose body differs in ${fields.join(', ')}` : '';
    return `${head}; the nearest recorded request is ${describe(nearest)}${why}`;
  }
}

/** Method, path and canonical body: what the default rule compares. */
function requestKey({ method, path, body }: ReplayRequest): string {
  return `${method.toUpperCase()} ${path} ${canonical(withDefaults(body))}`;
}

/** Ollama's defaults for fields a client may leave out: an absent `stream` streams. */
function withDefaults(body: unknown): unknown {
  if (!isObject(body) || 'stream' in body) return body;
  return { ...body, stream: true };
}

/** JSON with every object's keys sorted. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const modelOf = (body: unknown) => (isObject(body) && typeof body.model === 'string' ? body.model : undefined);

function describe(request: ReplayRequest): string {
  const model = modelOf(request.body);
  return `${request.method.toUpperCase()} ${request.path} (${model === undefined ? 'no model' : `model '${model}'`})`;
}

function closeness(request: ReplayRequest, entry: RecordedEntry): number {
  let score = 0;
  if (entry.method.toUpperCase() === request.method.toUpperCase()) score += 8;
  if (entry.path === request.path) score += 4;
  if (modelOf(entry.body) === modelOf(request.body)) score += 2;
  // Fewer differing fields is nearer.
  return score + 1 / (1 + differingFields(request.body, entry.body).length);
}

/** The top-level fields of two bodies that differ, defaults filled in. */
function differingFields(a: unknown, b: unknown): string[] {
  const left = withDefaults(a);
  const right = withDefaults(b);
  if (!isObject(left) || !isObject(right)) return canonical(left) === canonical(right) ? [] : ['the whole body'];
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.filter((key) => canonical(left[key]) !== canonical(right[key]));
}
