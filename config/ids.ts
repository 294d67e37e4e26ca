/**
 * The ids Tollgate hands around: run ids (`tg_<UTC yyyymmddhhmmss>_<6 random [a-z0-9]>`,
 * lower-case so they fit in e-mail addresses), build ids, and the product's user roles.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from './errors.ts';

export const RUN_ID = /^tg_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_[a-z0-9]{6}$/;

export function newRunId(now = new Date()): string {
  const utc = now.toISOString().replace(/\D/g, '').slice(0, 14);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...randomBytes(6)].map((b) => alphabet[b % 36]).join('');
  return `tg_${utc}_${suffix}`;
}

/** When the run started, from its id; undefined for an id that is not a run id. */
export function runStartedAt(runId: string): Date | undefined {
  const m = RUN_ID.exec(runId);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) {
    throw new UsageError(`"${runId}" is not a run id.`, {
      hint: 'Run ids look like tg_20261122071500_k3m9qx (tg_, UTC time, 6 lower-case letters or digits).',
    });
  }
  return runId;
}

/** A git sha, a tag such as v1.2.3, a CI build number. */
export const BUILD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkBuildId(build: string): string {
  if (!BUILD_ID.test(build)) {
    throw new UsageError(`"${build}" is not a build id.`, {
      hint: 'Use the id the deployment reports: a git sha, a tag such as v1.2.3 or a CI build number (letters, digits, . _ -; at most 64).',
    });
  }
  return build;
}

/** The product's roles, least privileged last. */
export type Role = 'admin' | 'operator' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];
