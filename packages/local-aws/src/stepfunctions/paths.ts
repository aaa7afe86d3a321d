/**
 * JSONPath as Step Functions uses it (Jayway semantics on AWS).
 *
 * A path is parsed once. A *definite* path (only names and indexes, a "Reference Path" in ASL terms)
 * selects one node and is walked here, over own properties only. An indefinite path (wildcards,
 * filters, slices, unions, recursive descent) always yields an array of matches, as Jayway does;
 * jsonpath-plus evaluates those.
 */
import { JSONPath } from 'jsonpath-plus';
import { cloneJson, isJsonObject, type JsonValue } from './json';

export type Segment = { kind: 'name'; name: string } | { kind: 'index'; index: number };

export interface ParsedPath {
  readonly text: string;
  /** `$$.…`: evaluated against the context object. */
  readonly context: boolean;
  /** Set when the path is definite (a Reference Path). */
  readonly segments: readonly Segment[] | undefined;
}

export class PathSyntaxError extends Error {
  constructor(path: string, reason: string) {
    super(`invalid JSONPath '${path}': ${reason}`);
    this.name = 'PathSyntaxError';
  }
}

const NAME_CHAR = /[^.[\]()'"\s,]/;

export function parsePath(text: string): ParsedPath {
  const context = text.startsWith('$$');
  if (!text.startsWith('$')) throw new PathSyntaxError(text, "it must start with '$'");
  let position = context ? 2 : 1;
  const segments: Segment[] = [];
  let definite = true;
  const fail = (reason: string): never => {
    throw new PathSyntaxError(text, reason);
  };

  const readName = (): string => {
    const start = position;
    while (position < text.length && NAME_CHAR.test(text.charAt(position))) position++;
    if (position === start) fail(`expected a name at position ${start}`);
    return text.slice(start, position);
  };

  while (position < text.length) {
    const char = text.charAt(position);
    if (char === '.') {
      if (text.charAt(position + 1) === '.') {
        definite = false;
        position += 2;
        if (text.charAt(position) === '*') position++;
        else if (text.charAt(position) !== '[') readName();
        continue;
      }
      position++;
      if (text.charAt(position) === '*') {
        definite = false;
        position++;
        continue;
      }
      const name = readName();
      if (text.charAt(position) === '(') fail(`functions such as '${name}()' are not supported`);
      segments.push({ kind: 'name', name });
      continue;
    }
    if (char === '[') {
      const close = findClosingBracket(text, position);
      if (close < 0) fail(`unclosed '[' at position ${position}`);
      const inner = text.slice(position + 1, close).trim();
      position = close + 1;
      const quoted = /^'((?:[^'\\]|\\.)*)'$|^"((?:[^"\\]|\\.)*)"$/.exec(inner);
      if (quoted) {
        segments.push({ kind: 'name', name: (quoted[1] ?? quoted[2] ?? '').replace(/\\(.)/g, '$1') });
      } else if (/^-?\d+$/.test(inner)) {
        segments.push({ kind: 'index', index: Number(inner) });
      } else if (
        inner === '*' ||
        /^\?\(.+\)$/s.test(inner) ||
        /^-?\d*:-?\d*(:-?\d*)?$/.test(inner) ||
        /^(-?\d+|'[^']*'|"[^"]*")(\s*,\s*(-?\d+|'[^']*'|"[^"]*"))+$/.test(inner)
      ) {
        definite = false;
      } else {
        fail(`unsupported selector '[${inner}]'`);
      }
      continue;
    }
    fail(`unexpected '${char}' at position ${position}`);
  }
  return { text, context, segments: definite ? segments : undefined };
}

function findClosingBracket(text: string, open: number): number {
  let quote: string | undefined;
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text.charAt(index);
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '[' || char === '(') depth++;
    else if (char === ']' || char === ')') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

export type PathResult = { found: true; value: JsonValue } | { found: false };

/** Selects from `data`, or from `context` for a `$$` path. Indefinite paths always find an array. */
export function queryPath(path: ParsedPath, data: JsonValue, context: JsonValue): PathResult {
  const root = path.context ? context : data;
  if (path.segments) return walk(root, path.segments);
  const text = path.context ? path.text.slice(1) : path.text;
  const matches = JSONPath({ path: text, json: root, wrap: true }) as JsonValue[];
  return { found: true, value: cloneJson(matches) };
}

function walk(root: JsonValue, segments: readonly Segment[]): PathResult {
  let current: JsonValue = root;
  for (const segment of segments) {
    if (segment.kind === 'name') {
      if (!isJsonObject(current) || !Object.hasOwn(current, segment.name)) return { found: false };
      current = current[segment.name] as JsonValue;
    } else {
      if (!Array.isArray(current)) return { found: false };
      const index = segment.index < 0 ? current.length + segment.index : segment.index;
      if (index < 0 || index >= current.length) return { found: false };
      current = current[index] as JsonValue;
    }
  }
  return { found: true, value: current };
}

export class ResultPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultPathError';
  }
}

/**
 * Applies a ResultPath: a copy of `input` with `value` placed at the path, creating missing objects
 * on the way (AWS: "ResultPath ... can create the fields it names").
 */
export function placeAt(input: JsonValue, path: ParsedPath, value: JsonValue): JsonValue {
  const segments = path.segments ?? [];
  if (segments.length === 0) return value;
  const output = cloneJson(input);
  let current: JsonValue = output;
  segments.forEach((segment, position) => {
    const last = position === segments.length - 1;
    if (segment.kind === 'name') {
      if (!isJsonObject(current)) {
        throw new ResultPathError(`cannot set field '${segment.name}' on a non-object value`);
      }
      if (last) {
        current[segment.name] = value;
        return;
      }
      const next: JsonValue | undefined = current[segment.name];
      if (next === undefined) {
        const created = {};
        current[segment.name] = created;
        current = created;
      } else if (typeof next === 'object' && next !== null) {
        current = next;
      } else {
        throw new ResultPathError(`field '${segment.name}' is not an object`);
      }
      return;
    }
    if (!Array.isArray(current))
      throw new ResultPathError(`cannot index [${segment.index}] into a non-array value`);
    const index = segment.index < 0 ? current.length + segment.index : segment.index;
    if (index < 0 || index >= current.length)
      throw new ResultPathError(`index [${segment.index}] is out of range`);
    if (last) {
      current[index] = value;
      return;
    }
    const next = current[index] as JsonValue;
    if (typeof next !== 'object' || next === null)
      throw new ResultPathError(`element [${segment.index}] is not an object`);
    current = next;
  });
  return output;
}
