// Messages between the extension host and the model host process. One envelope both ways:
// requests { id, method, params }, cancellations { id, cancel: true }, responses { id, ok, result | error }.
import type { AttentionDetails, AttentionFirst, ModelInfo, SuggestParams, SuggestResult } from "./engine";
import type { IndexProgress, NeighbourList, NeighboursRequest } from "../shared/protocol";

export interface Methods {
  load: { params: { modelPath: string; threads: number; quantize: boolean }; result: ModelInfo };
  suggest: { params: { text: string; offset: number; options: SuggestParams }; result: SuggestResult };
  /** the tokens and attention probabilities (what the first heatmap needs) */
  attention: { params: { text: string; maxTokens: number }; result: AttentionFirst };
  /** rollout, per-position predictions and next words of the latest "attention" answer */
  attentionDetails: { params: { detailsId: number }; result: AttentionDetails };
  /** the k nearest whole words to a word, phrase or sum, static or at a layer */
  neighbours: { params: NeighboursRequest; result: NeighbourList };
  /** build the contextual word index for about budgetMs more (steps, so that suggestions interleave) */
  neighbourIndex: { params: { budgetMs: number }; result: IndexProgress };
  /** test hook: never answers, so the client's timeout and restart can be exercised */
  hang: { params: Record<string, never>; result: never };
}

export type Method = keyof Methods;

export type ErrorCode = "cancelled" | "superseded" | "model" | "input" | "internal" | "crashed" | "timeout" | "stopped";

export interface RequestMessage<M extends Method = Method> {
  id: number;
  method: M;
  params: Methods[M]["params"];
}

export interface CancelMessage {
  id: number;
  cancel: true;
}

export type ResponseMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: ErrorCode; message: string; file?: string } };

export function isRequest(m: unknown): m is RequestMessage {
  if (typeof m !== "object" || m === null) return false;
  const r = m as Record<string, unknown>;
  return typeof r.id === "number" && typeof r.method === "string" && typeof r.params === "object" && r.params !== null;
}

export function isCancel(m: unknown): m is CancelMessage {
  return typeof m === "object" && m !== null && typeof (m as CancelMessage).id === "number" && (m as CancelMessage).cancel === true;
}

export function isResponse(m: unknown): m is ResponseMessage {
  if (typeof m !== "object" || m === null) return false;
  const r = m as Record<string, unknown>;
  return typeof r.id === "number" && typeof r.ok === "boolean";
}

export class HostError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}
