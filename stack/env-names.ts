/**
 * What an on-demand environment may be called and who may own it: the rules Kubernetes applies
 * to a namespace and a label value, checked before anything is made. Kept apart from
 * stack/k8s.ts so the CLI checks them without loading the Kubernetes models.
 */
import { UsageError } from '../config/errors.ts';

/** The profiles an environment's random data may come from. */
export const SEED_PROFILES = ['regression', 'demo', 'smoke'] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The environment's name as a namespace may carry it: a DNS label, at most 60 characters with the `tg-` prefix. */
export function checkEnvironmentName(name: string): string {
  if (!DNS_LABEL.test(name) || name.length > 60) {
    throw new UsageError(`"${name}" is not a valid environment name.`, {
      hint: 'Use lower-case letters, digits and "-", starting and ending with a letter or digit, at most 60 characters (e.g. qa-login-fix).',
    });
  }
  return name;
}

export function checkOwner(owner: string): string {
  if (!owner || owner.length > 63 || !LABEL_VALUE.test(owner)) {
    throw new UsageError(`"${owner}" cannot be an owner label.`, {
      hint: 'Use letters, digits, "-", "_" or ".", starting and ending with a letter or digit, at most 63 characters (e.g. a Slack user id).',
    });
  }
  return owner;
}
