/**
 * The contract every notification channel implements, and the error a failed delivery throws.
 * A channel is one file implementing {@linkcode Channel}, registered in `channels/mod.ts`.
 * @module
 */
import { SondeError, ValidationError } from "@sonde/shared/errors";

/** What a channel delivers: one outbox row rendered for people and machines. */
export interface Message {
  /** Outbox id; also the idempotency key a receiver uses to drop a repeated delivery. */
  id: number;
  /** One line, e.g. `CRITICAL: web-01 (was OK)`. */
  subject: string;
  /** Plain text body. */
  text: string;
  /** The structured notification, posted as JSON by the webhook channel. */
  payload: NotificationPayload;
}

/** The JSON document of a notification (stored in `notification_outbox.payload`). */
export interface NotificationPayload {
  eventId: number;
  ts: string;
  objectId: string;
  objectName: string;
  oldState: string;
  newState: string;
  cause: string;
  rule: string;
  /** 0 for the change itself, 1.. for reminders while the state persists. */
  repeat: number;
}

/** A way to deliver a message (webhook, SMTP, command line). */
export interface Channel {
  /** The `notification_channel.type` it serves. */
  readonly type: string;
  /** Checks `settings` (from the channel row); throws a `ValidationError` listing every problem. */
  parseSettings(settings: unknown): unknown;
  /** Delivers `message`; throws {@linkcode DeliveryError} (retryable or permanent) when it cannot. */
  send(message: Message, settings: unknown, signal: AbortSignal): Promise<void>;
}

/** A delivery failed; `retryable` says whether a later attempt may succeed. */
export class DeliveryError extends SondeError {
  constructor(message: string, retryable: boolean, cause?: unknown) {
    super(retryable ? "delivery_retryable" : "delivery_permanent", message, { retryable, cause });
    this.name = "DeliveryError";
  }
}

/** Reads channel settings field by field, collecting every problem; `done()` throws them together. */
export class SettingsReader {
  readonly problems: string[] = [];
  private readonly o: Record<string, unknown>;
  constructor(private readonly type: string, settings: unknown) {
    if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
      this.problems.push(`${type} settings must be an object: current value is ${JSON.stringify(settings)}`);
      this.o = {};
    } else this.o = settings as Record<string, unknown>;
  }
  /** A string field; required unless `fallback` is given. */
  str(key: string, fallback?: string): string {
    const v = this.o[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === "string" && v !== "") return v;
    this.problems.push(
      `${this.type} settings "${key}" must be a non-empty string: current value is ${JSON.stringify(v)}`,
    );
    return "";
  }
  /** An optional string field. */
  optStr(key: string): string | undefined {
    return this.o[key] === undefined ? undefined : this.str(key);
  }
  /** A positive number field with a default. */
  num(key: string, fallback: number): number {
    const v = this.o[key];
    if (v === undefined) return fallback;
    if (typeof v === "number" && Number.isFinite(v) && v > 0) return v;
    this.problems.push(
      `${this.type} settings "${key}" must be a positive number: current value is ${JSON.stringify(v)}`,
    );
    return fallback;
  }
  /** A list of strings; a single string is accepted as a one-element list. */
  list(key: string, required: boolean): string[] {
    const v = this.o[key];
    if (v === undefined && !required) return [];
    if (typeof v === "string" && v !== "") return [v];
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) return v as string[];
    this.problems.push(
      `${this.type} settings "${key}" must be a string or a list of strings: current value is ${
        JSON.stringify(v)
      }`,
    );
    return [];
  }
  /** Throws a {@linkcode ValidationError} naming every problem found. */
  done(): void {
    if (this.problems.length > 0) throw new ValidationError(this.problems);
  }
}

/** A timeout that also follows `signal`; call `done()` when finished. */
export function withTimeout(signal: AbortSignal, ms: number): { signal: AbortSignal; done: () => void } {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new DOMException(`timed out after ${ms} ms`, "TimeoutError")), ms);
  const onAbort = () => ctl.abort(signal.reason);
  if (signal.aborted) ctl.abort(signal.reason);
  else signal.addEventListener("abort", onAbort, { once: true });
  return {
    signal: ctl.signal,
    done: () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    },
  };
}
