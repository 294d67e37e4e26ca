/** One HTTP probe and one way to say why a fetch failed, for readiness polling and the local stack. */

export interface HttpProbe {
  status: number;
  body: string;
}

export async function probe(url: string, timeoutMs = 2_000): Promise<HttpProbe> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}

export function describeFetchError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message;
}
