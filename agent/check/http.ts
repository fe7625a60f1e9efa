/**
 * HTTP(S) check: method and URL, expected status (default any 2xx/3xx), body keyword or regex,
 * response-time thresholds (`warnMs` / `critMs`, Nagios ranges in ms) and days until the TLS certificate
 * expires (`certWarnDays` / `certCritDays`, read from the peer certificate of the same connection).
 * A connection failure or an unverifiable certificate (unless `tlsVerify: false`) is CRITICAL. With
 * `followRedirects: n` up to n redirects are followed (relative `Location`s resolved; 303, and 301/302 after
 * a POST, continue with GET; credentials and `Host` are not sent to another origin; the certificate checked
 * is the configured URL's); more is CRITICAL.
 * @module
 */
import http from "node:http";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import type { CheckSpecOf } from "@sonde/shared/wire/agent_config";
import { toRegExp } from "@sonde/shared/wire/agent_config";
import type { PerfData } from "@sonde/shared/wire/types";
import type { CheckOutcome, CheckType } from "./check_type.ts";
import { thresholdState, worst } from "./range.ts";

/** Bytes of body kept for keyword / regex matching. */
const MAX_BODY = 1 << 20;
const DAY_MS = 86_400_000;

interface Response {
  status: number;
  body: string;
  ms: number;
  certValidTo?: string;
  /** The URL that answered (after redirects). */
  url: string;
  /** Redirects followed. */
  hops: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Answer {
  status: number;
  location?: string;
  body: string;
  certValidTo?: string;
}

function requestOnce(
  spec: CheckSpecOf<"http">,
  url: string,
  method: string,
  body: string | undefined,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Answer> {
  const p = spec.params;
  const lib = url.toLowerCase().startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method,
      headers: { "user-agent": "sonde-agent", ...headers },
      agent: false,
      signal,
      rejectUnauthorized: p.tlsVerify,
    }, (res) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      res.on("data", (chunk: Uint8Array) => {
        if (size < MAX_BODY) chunks.push(chunk.subarray(0, MAX_BODY - size));
        size += chunk.length;
      });
      res.on("error", reject);
      res.on("end", () => {
        const cert = (res.socket as TLSSocket | null)?.getPeerCertificate?.();
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          body: new TextDecoder().decode(concat(chunks)),
          certValidTo: cert?.valid_to,
        });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Requests the URL, following up to `followRedirects` redirects; the time covers every hop. */
async function request(spec: CheckSpecOf<"http">, signal: AbortSignal): Promise<Response> {
  const p = spec.params;
  const t0 = performance.now();
  let url = p.url;
  let method = p.method;
  let body = p.body;
  let headers = { ...p.headers };
  let certValidTo: string | undefined;
  for (let hops = 0;; hops++) {
    const a = await requestOnce(spec, url, method, body, headers, signal);
    if (hops === 0) certValidTo = a.certValidTo; // the certificate of the configured URL is the one checked
    const redirect = REDIRECTS.has(a.status) && a.location !== undefined;
    if (!redirect || p.followRedirects === 0) {
      return { ...a, certValidTo, ms: performance.now() - t0, url, hops };
    }
    if (hops === p.followRedirects) {
      const s = p.followRedirects === 1 ? "" : "s";
      throw new Error(`more than ${p.followRedirects} redirect${s} (last to ${a.location})`);
    }
    const next = new URL(a.location!, url);
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      throw new Error(`redirected to ${next.href}, which is not http(s)`);
    }
    if (next.origin !== new URL(url).origin) {
      // credentials and the Host header were meant for the configured site only, as fetch() treats them
      headers = dropHeaders(headers, ["authorization", "proxy-authorization", "cookie", "host"]);
    }
    url = next.href;
    if (a.status === 303 || ((a.status === 301 || a.status === 302) && method === "POST")) {
      method = "GET"; // as browsers do
      body = undefined;
      headers = dropHeaders(headers, ["content-type", "content-length", "transfer-encoding"]);
    }
  }
}

function dropHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k.toLowerCase())));
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The HTTP(S) check type. */
export const httpCheck: CheckType<"http"> = {
  type: "http",
  timeoutState: "CRITICAL",
  async run(spec, signal): Promise<CheckOutcome> {
    const p = spec.params;
    let res: Response;
    try {
      res = await request(spec, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      return { state: "CRITICAL", message: `Cannot reach ${p.url}: ${(error as Error).message}` };
    }
    const ms = Math.round(res.ms);
    const perfdata: PerfData[] = [{ label: "time", value: ms, uom: "ms", warn: p.warnMs, crit: p.critMs }];
    const problems: string[] = [];
    let state = thresholdState(ms, p.warnMs, p.critMs);
    if (state !== "OK") problems.push(`response time ${ms} ms`);
    const statusOk = p.expectStatus
      ? p.expectStatus.includes(res.status)
      : res.status >= 200 && res.status < 400;
    if (!statusOk) {
      state = "CRITICAL";
      problems.push(`status ${res.status}, expected ${p.expectStatus?.join(" or ") ?? "2xx or 3xx"}`);
    }
    if (p.keyword !== undefined && !res.body.includes(p.keyword)) {
      state = "CRITICAL";
      problems.push(`keyword "${p.keyword}" not found`);
    }
    if (p.regex !== undefined && !toRegExp(p.regex).test(res.body)) {
      state = "CRITICAL";
      problems.push(`pattern ${p.regex} not found`);
    }
    let certNote = "";
    if (res.certValidTo && (p.certWarnDays !== undefined || p.certCritDays !== undefined)) {
      const days = Math.floor((Date.parse(res.certValidTo) - Date.now()) / DAY_MS);
      perfdata.push({ label: "cert_days", value: days, uom: "" });
      certNote = `, certificate expires in ${days} days`;
      const certState = p.certCritDays !== undefined && days < p.certCritDays
        ? "CRITICAL"
        : p.certWarnDays !== undefined && days < p.certWarnDays
        ? "WARNING"
        : "OK";
      if (certState !== "OK") problems.push(`certificate expires in ${days} days (${res.certValidTo})`);
      state = worst(state, certState);
    }
    const via = res.hops > 0 ? ` from ${res.url} after ${res.hops} redirect${res.hops > 1 ? "s" : ""}` : "";
    const summary = `HTTP ${res.status}${via} in ${ms} ms, ${res.body.length} bytes${certNote}`;
    return {
      state,
      message: problems.length ? `${state}: ${problems.join("; ")} (${summary})` : summary,
      perfdata,
    };
  },
};
