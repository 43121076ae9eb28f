/** Anthropic `/v1/models` -> OpenAI's model list and model object shapes. */
import { isRecord } from './util.js';

export interface OpenAIModel {
  id: string;
  object: 'model';
  /** Unix seconds. */
  created: number;
  owned_by: 'anthropic';
}

function unixSeconds(createdAt: unknown): number {
  const ms = typeof createdAt === 'string' ? Date.parse(createdAt) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

export function translateModel(model: unknown): OpenAIModel | null {
  if (!isRecord(model) || typeof model.id !== 'string') return null;
  return { id: model.id, object: 'model', created: unixSeconds(model.created_at), owned_by: 'anthropic' };
}

export function translateModelList(list: unknown): { object: 'list'; data: OpenAIModel[] } {
  const data = isRecord(list) && Array.isArray(list.data) ? list.data : [];
  return { object: 'list', data: data.map(translateModel).filter((m): m is OpenAIModel => m !== null) };
}

/** Anthropic pages its list (20 by default); OpenAI clients expect everything in one answer. */
export const MODELS_LIST_QUERY = 'limit=1000';
