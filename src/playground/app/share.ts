/**
 * The shareable link: the policy and events, compressed (deflate) into the URL fragment, which
 * browsers never send to a server. `identity` fields of events (personal information, A6.pii) are
 * emptied before the events go into the link.
 */
export interface Shared {
  policy: string;
  events: string;
}

/** The events text with every `identity` object emptied; lines that are not JSON are kept as they are. */
export function withoutIdentities(events: string): string {
  return events
    .split("\n")
    .map((line) => {
      if (!line.includes('"identity"')) return line;
      try {
        const e = JSON.parse(line) as Record<string, unknown>;
        if (!("identity" in e)) return line;
        return JSON.stringify({ ...e, identity: {} });
      } catch {
        return line.replace(/"identity"\s*:\s*\{[^}]*\}/g, '"identity":{}');
      }
    })
    .join("\n");
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes.slice().buffer]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export async function encodeShare(s: Shared): Promise<string> {
  const json = JSON.stringify({ v: 1, policy: s.policy, events: withoutIdentities(s.events) });
  return `#s=${toBase64Url(await pipe(new TextEncoder().encode(json), new CompressionStream("deflate-raw")))}`;
}

export async function decodeShare(hash: string): Promise<Shared | null> {
  const m = /^#s=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!m) return null;
  try {
    const json = new TextDecoder().decode(await pipe(fromBase64Url(m[1]!), new DecompressionStream("deflate-raw")));
    const v = JSON.parse(json) as { v?: number; policy?: unknown; events?: unknown };
    return v.v === 1 && typeof v.policy === "string" && typeof v.events === "string" ? { policy: v.policy, events: v.events } : null;
  } catch {
    return null;
  }
}
