// JSON shapes of the TagTrust API (reference-app/README.md, "HTTP API").

export type Role = 'admin' | 'operator' | 'viewer';
export type TagStatus = 'unassigned' | 'active' | 'revoked';
export type VerifyOutcome = 'genuine' | 'revoked' | 'unknown';

export interface User {
  id: number | string;
  email: string;
  name: string;
  role: Role;
}

export interface LoginResponse {
  token: string;
  expires_at: string;
  user: User;
}

export interface Page<T> {
  items: T[];
  page: number;
  per_page: number;
  total: number;
  pages: number;
}

export interface Tag {
  id: number | string;
  code: string;
  fingerprint: string;
  status: TagStatus;
  revoked_at: string | null;
  revoked_reason: string | null;
  metadata: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
}

export interface Asset {
  id: number | string;
  name: string;
  sku: string;
  lot: string | null;
  manufacturer: string;
  location: string | null;
  manufactured_on: string | null;
  metadata: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
}

// The README fixes the link's table columns, not its JSON; extra fields are optional.
export interface TagLink {
  id: number | string;
  tag_id?: number | string;
  asset_id: number | string;
  linked_at: string;
  linked_by?: number | string | null;
  unlinked_at: string | null;
  unlinked_by?: number | string | null;
  asset_name?: string;
  tag_code?: string;
}

export interface AssetSummary {
  id: number | string;
  name: string;
  sku?: string;
  manufacturer?: string;
}

export interface TagDetail extends Tag {
  asset: AssetSummary | null;
  links: TagLink[];
}

export interface AssetDetail extends Asset {
  tags: Tag[];
}

export interface NewAsset {
  name: string;
  sku: string;
  manufacturer: string;
  lot?: string;
  location?: string;
}

export interface Stats {
  tags: { total: number; unassigned: number; active: number; revoked: number };
  assets: number;
  verifications: { total: number; last_24h: number };
}

export interface VerifyResult {
  result: VerifyOutcome;
  code: string;
  tag?: Tag;
  asset?: AssetSummary | null;
  revoked_at?: string | null;
  reason?: string | null;
}

export interface Verification {
  id: number | string;
  code: string;
  tag_id: number | string | null;
  result: VerifyOutcome;
  location: string | null;
  user_agent: string | null;
  verified_at: string;
}

export interface AuditEntry {
  id: number | string;
  actor_id: number | string | null;
  actor_email?: string | null;
  action: string;
  entity_type: string;
  entity_id: string | number | null;
  details: Record<string, unknown> | null;
  created_at: string;
}
