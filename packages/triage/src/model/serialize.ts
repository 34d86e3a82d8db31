// Model artefact <-> in-memory model. Keys are delta-encoded varints, weights int16 per column
// (scale = max |w| / 32767), both base64 in JSON: ~2 MB for the default model.
import { TriageModelError } from '../errors';
import type { FeatureConfig } from '../text/features';
import type { Head, ModelInfo, TriageHeads, TriageModel } from '../types';
import { decodeBase64, encodeBase64 } from './base64';
import { buildTable } from './lookup';

export const MODEL_FORMAT = 'earshot-triage-model';
export const MODEL_FORMAT_VERSION = 1;

interface HeadJson {
  classes: string[];
  offset: number;
  bias: number[];
  temperature: number;
}

export interface ModelJson {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  info: ModelInfo;
  licence: string;
  features: FeatureConfig;
  columns: number;
  heads: Record<keyof TriageHeads, HeadJson>;
  vocabularySize: number;
  keys: string;
  weights: { encoding: 'int16'; scales: number[]; data: string };
}

const HEAD_NAMES: ReadonlyArray<keyof TriageHeads> = ['sentiment', 'topic', 'topicGate', 'needsResponse'];
const LICENCE =
  'Trained on a derivative of the Twitter US Airline Sentiment data (CC BY-NC-SA 4.0); this model carries the same licence.';

function encodeKeys(keys: Uint32Array): string {
  const bytes: number[] = [];
  let prev = 0;
  for (const k of keys) {
    let d = k - prev;
    prev = k;
    while (d >= 128) {
      bytes.push((d % 128) | 128);
      d = Math.floor(d / 128);
    }
    bytes.push(d);
  }
  return encodeBase64(Uint8Array.from(bytes));
}

function decodeKeys(text: string, count: number): Uint32Array {
  const bytes = decodeBase64(text);
  const keys = new Uint32Array(count);
  let pos = 0;
  let prev = 0;
  for (let i = 0; i < count; i++) {
    let d = 0;
    let mul = 1;
    for (;;) {
      if (pos >= bytes.length) throw new TriageModelError('keys are truncated');
      const b = bytes[pos++] as number;
      d += (b & 127) * mul;
      if (b < 128) break;
      mul *= 128;
    }
    prev += d;
    keys[i] = prev;
  }
  return keys;
}

export function serializeModel(m: TriageModel): ModelJson {
  const C = m.columns;
  const V = m.keys.length;
  const scales: number[] = [];
  for (let c = 0; c < C; c++) {
    let max = 0;
    for (let v = 0; v < V; v++) max = Math.max(max, Math.abs(m.weights[v * C + c] as number));
    scales.push(max > 0 ? max / 32767 : 1);
  }
  const raw = new Uint8Array(V * C * 2);
  const view = new DataView(raw.buffer);
  for (let v = 0; v < V; v++) {
    for (let c = 0; c < C; c++) view.setInt16((v * C + c) * 2, Math.round((m.weights[v * C + c] as number) / (scales[c] as number)), true);
  }
  const heads = Object.fromEntries(
    HEAD_NAMES.map((name) => {
      const h = m.heads[name];
      return [name, { classes: h.classes, offset: h.offset, bias: Array.from(h.bias), temperature: h.temperature }];
    }),
  ) as Record<keyof TriageHeads, HeadJson>;
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    info: m.info,
    licence: LICENCE,
    features: m.features,
    columns: C,
    heads,
    vocabularySize: V,
    keys: encodeKeys(m.keys),
    weights: { encoding: 'int16', scales, data: encodeBase64(raw) },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field<T>(obj: Record<string, unknown>, key: string, check: (v: unknown) => v is T, what: string): T {
  const v = obj[key];
  if (!check(v)) throw new TriageModelError(`${key} must be ${what}`);
  return v;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNumber);
const isNullableString = (v: unknown): v is string | null => v === null || isString(v);

function parseHead(v: unknown, name: string, columns: number): Head {
  if (!isRecord(v)) throw new TriageModelError(`heads.${name} is missing`);
  const classes = field(v, 'classes', isStringArray, 'a list of strings');
  const offset = field(v, 'offset', isNumber, 'a number');
  const bias = field(v, 'bias', isNumberArray, 'a list of numbers');
  const temperature = field(v, 'temperature', isNumber, 'a number');
  if (bias.length !== classes.length || offset < 0 || offset + classes.length > columns || temperature <= 0) {
    throw new TriageModelError(`heads.${name} does not fit the weight matrix`);
  }
  return { classes, offset, bias: Float32Array.from(bias), temperature };
}

function parseInfo(v: unknown): ModelInfo {
  if (!isRecord(v)) throw new TriageModelError('info is missing');
  const metricsRaw = v.metrics;
  const metrics: Record<string, number | null> = {};
  if (isRecord(metricsRaw)) for (const [k, x] of Object.entries(metricsRaw)) metrics[k] = isNumber(x) ? x : null;
  return {
    version: field(v, 'version', isString, 'a string'),
    createdAt: field(v, 'createdAt', isString, 'a string'),
    dataSha256: field(v, 'dataSha256', isNullableString, 'a string or null'),
    rows: field(v, 'rows', isNumber, 'a number'),
    extraRows: field(v, 'extraRows', isNumber, 'a number'),
    seed: field(v, 'seed', isNumber, 'a number'),
    metrics,
  };
}

/** Validates a parsed model artefact and builds the in-memory model. */
export function parseModel(json: unknown): TriageModel {
  if (!isRecord(json) || json.format !== MODEL_FORMAT) throw new TriageModelError(`not an ${MODEL_FORMAT} artefact`);
  if (json.formatVersion !== MODEL_FORMAT_VERSION) throw new TriageModelError(`unsupported formatVersion ${String(json.formatVersion)}`);
  const columns = field(json, 'columns', isNumber, 'a number');
  const V = field(json, 'vocabularySize', isNumber, 'a number');
  const f = json.features;
  if (!isRecord(f)) throw new TriageModelError('features is missing');
  const features: FeatureConfig = {
    charMin: field(f, 'charMin', isNumber, 'a number'),
    charMax: field(f, 'charMax', isNumber, 'a number'),
    bigrams: field(f, 'bigrams', isBoolean, 'a boolean'),
  };
  const headsRaw = json.heads;
  if (!isRecord(headsRaw)) throw new TriageModelError('heads is missing');
  const [sentiment, topic, topicGate, needsResponse] = HEAD_NAMES.map((n) => parseHead(headsRaw[n], n, columns)) as [Head, Head, Head, Head];
  if (sentiment.classes.join() !== 'negative,neutral,positive') throw new TriageModelError('heads.sentiment must be negative, neutral, positive');
  const w = json.weights;
  if (!isRecord(w) || w.encoding !== 'int16') throw new TriageModelError('weights must be int16-encoded');
  const scales = field(w, 'scales', isNumberArray, 'a list of numbers');
  const raw = decodeBase64(field(w, 'data', isString, 'a base64 string'));
  if (scales.length !== columns || raw.length !== V * columns * 2) throw new TriageModelError('weights do not match vocabularySize × columns');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const weights = new Float32Array(V * columns);
  for (let i = 0; i < weights.length; i++) weights[i] = view.getInt16(i * 2, true) * (scales[i % columns] as number);
  const keys = decodeKeys(field(json, 'keys', isString, 'a base64 string'), V);
  return { info: parseInfo(json.info), features, keys, weights, columns, heads: { sentiment, topic, topicGate, needsResponse }, table: buildTable(keys) };
}
