// One function per API endpoint the web app uses.
import { request } from './client';
import type {
  Asset,
  AssetDetail,
  AuditEntry,
  LoginResponse,
  NewAsset,
  Page,
  Stats,
  Tag,
  TagDetail,
  TagLink,
  TagStatus,
  Verification,
  VerifyResult,
} from './types';

const seg = encodeURIComponent;

export interface ListQuery {
  page: number;
  per_page?: number;
  q?: string;
}

export const api = {
  login: (email: string, password: string) =>
    request<LoginResponse>('/auth/login', { method: 'POST', body: { email, password }, auth: false }),
  logout: () => request<unknown>('/auth/logout', { method: 'POST', keepalive: true }),

  stats: (signal?: AbortSignal) => request<Stats>('/stats', { signal }),

  tags: (query: ListQuery & { status?: TagStatus | '' }, signal?: AbortSignal) =>
    request<Page<Tag>>('/tags', { query: { ...query }, signal }),
  tag: (code: string, signal?: AbortSignal) => request<TagDetail>(`/tags/${seg(code)}`, { signal }),
  revokeTag: (code: string, reason: string) => request<Tag>(`/tags/${seg(code)}/revoke`, { method: 'POST', body: { reason } }),

  assets: (query: ListQuery, signal?: AbortSignal) => request<Page<Asset>>('/assets', { query: { ...query }, signal }),
  asset: (id: string, signal?: AbortSignal) => request<AssetDetail>(`/assets/${seg(id)}`, { signal }),
  createAsset: (asset: NewAsset) => request<Asset>('/assets', { method: 'POST', body: asset }),
  linkTag: (assetId: string, tagCode: string) =>
    request<TagLink>(`/assets/${seg(assetId)}/links`, { method: 'POST', body: { tag_code: tagCode } }),
  unlinkTag: (assetId: string, tagCode: string) => request<unknown>(`/assets/${seg(assetId)}/links/${seg(tagCode)}`, { method: 'DELETE' }),

  verify: (code: string, signal?: AbortSignal) => request<VerifyResult>(`/verify/${seg(code)}`, { auth: false, signal }),
  verifications: (query: ListQuery, signal?: AbortSignal) => request<Page<Verification>>('/verifications', { query: { ...query }, signal }),

  audit: (query: ListQuery & { entity_type?: string }, signal?: AbortSignal) =>
    request<Page<AuditEntry>>('/audit', { query: { ...query }, signal }),
};
