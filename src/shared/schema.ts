// The schema helpers every protocol builds on (valibot): plain objects, bounded integers, validators whose
// schema depends on what is shown, the webview's light checks, the envelope's check, and the messages
// every webview sends. What a webview sends is untrusted (it renders document text): each message is a
// valibot schema, and its type is inferred from it, so that the check and the type cannot drift apart.
// PURE: no vscode, Node or DOM types.
import * as v from "valibot";
import type { Envelope } from "./messaging";

type Fields = Record<string, unknown>;

function isPlainObject(x: unknown): x is Fields {
  return typeof x === "object" && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
}

/** a plain object only: no array, no class instance, nothing with a prototype of its own (a structured clone is plain) */
export const plainObject = v.custom<Fields>(isPlainObject, "a plain object");

/** an integer in [min, max] */
export const intIn = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

/** an integer in [0, count) */
export const indexBelow = (count: number) => intIn(0, count - 1);

/** An array of at most `max` items, its length checked before any item (a sparse array of 10^9 is refused at once). */
export const cappedArray = <S extends v.GenericSchema>(item: S, max: number) =>
  v.pipe(
    v.custom<v.InferInput<S>[]>((a) => Array.isArray(a) && a.length <= max, `an array of at most ${max} items`),
    v.array(item),
  );

/**
 * A body validator whose schema depends on what is shown (a token count, a chip count): one schema per set of
 * numbers, built when first needed (callers bound the numbers, and with them how many are kept). It answers
 * the checked body, or undefined.
 */
export function bodyValidator<A extends number[], S extends v.GenericSchema>(build: (...shown: A) => S): (raw: unknown, ...shown: A) => v.InferOutput<S> | undefined {
  const schemas = new Map<string, S>();
  return (raw, ...shown) => {
    const key = shown.join("/");
    let schema = schemas.get(key);
    if (!schema) schemas.set(key, (schema = build(...shown)));
    const r = v.safeParse(schema, raw);
    return r.success ? r.output : undefined;
  };
}

/**
 * v.is, narrowing to T, for a T whose every value has the schema's input type: a webview's light check of
 * what the extension sends does not compile when the message type renames or retypes a field that it reads.
 */
export function guard<T extends v.InferInput<S>, S extends v.GenericSchema>(schema: S): (raw: unknown) => raw is T {
  return (raw): raw is T => v.is(schema, raw);
}

/** a message id: a non-negative safe integer */
const messageIdSchema = indexBelow(Number.MAX_SAFE_INTEGER);
/** the envelope around a body that is checked on its own (the body's schema may depend on what is shown) */
const envelope = v.pipe(plainObject, v.strictObject({ messageId: messageIdSchema, inReplyTo: v.optional(messageIdSchema), body: v.unknown() }));

/** An envelope whose body `validateBody` accepts, rebuilt from its checked parts; otherwise undefined. */
export function validateEnvelope<B>(raw: unknown, validateBody: (body: unknown) => B | undefined): Envelope<B> | undefined {
  const r = v.safeParse(envelope, raw);
  if (!r.success) return undefined;
  const { messageId, inReplyTo } = r.output;
  const body = validateBody(r.output.body);
  if (!body) return undefined;
  return inReplyTo === undefined ? { messageId, body } : { messageId, inReplyTo, body };
}

/** A short, safe rendering of an unexpected message for the log (long strings, such as export data, cut). */
export function previewMessage(raw: unknown): string {
  try {
    const s = JSON.stringify(raw, (_k, x: unknown) => (typeof x === "string" && x.length > 80 ? `${x.slice(0, 80)}…` : x)) ?? String(raw);
    return s.length > 200 ? `${s.slice(0, 200)}…` : s;
  } catch {
    return String(raw);
  }
}

// ---- webview -> extension, from both webviews

/**
 * The messages every webview may send, first in each webview protocol's variant: "ready" (a request: the
 * extension answers with the whole screen), "openTour", and "setFollow" (follow the editor's selection).
 */
export const COMMON_FROM_WEBVIEW = [
  v.strictObject({ type: v.literal("ready") }),
  v.strictObject({ type: v.literal("openTour") }),
  v.strictObject({ type: v.literal("setFollow"), follow: v.boolean() }),
] as const;
