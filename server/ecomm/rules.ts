/**
 * Pure decisions of notification rules: which objects a rule or maintenance window covers, which
 * transitions it notifies, and the subject and text of a notification.
 * @module
 */
import { ValidationError } from "@sonde/shared/errors";
import type { NotificationPayload } from "./channels/channel.ts";

/** Objects a rule or window covers; null fields match everything. */
export interface ObjectFilter {
  object_ids: string[] | null;
  name_pattern: string | null;
}

/** A rule as read from `notification_rule`. */
export interface Rule extends ObjectFilter {
  id: number;
  name: string;
  channel_id: number;
  transitions: string[];
  delay_ms: number;
  repeat_ms: number;
}

/** A maintenance window as read from `maintenance_window`. */
export interface Window extends ObjectFilter {
  rule_id: number | null;
  starts_at: Date;
  ends_at: Date;
}

/** The state that means "fine"; a change to it is a recovery. */
export const OK_STATE = "OK";

/** Transitions a rule can name besides a state (`CRITICAL` = "changed to CRITICAL"). */
export const TRANSITION_WORDS = ["any", "problem", "recovery"] as const;

/** State names a transition may name. */
export const STATES = ["OK", "WARNING", "CRITICAL", "UNKNOWN"] as const;

/** A rule as a configuration API receives it. */
export interface RuleInput {
  objectIds?: string[] | null;
  namePattern?: string | null;
  transitions: string[];
  delayMs?: number;
  repeatMs?: number;
}

/** Checks a rule before it is stored; throws a `ValidationError` naming every problem with its value. */
export function validateRule(rule: RuleInput): void {
  const problems: string[] = [];
  const words: readonly string[] = [...TRANSITION_WORDS, ...STATES];
  if (!Array.isArray(rule.transitions) || rule.transitions.length === 0) {
    problems.push(
      `"transitions" must list at least one transition: current value is ${JSON.stringify(rule.transitions)}`,
    );
  } else {
    for (const t of rule.transitions) {
      if (typeof t !== "string" || !words.includes(t.toLowerCase()) && !words.includes(t.toUpperCase())) {
        problems.push(`"transitions" holds ${JSON.stringify(t)}: expected one of ${words.join(", ")}`);
      }
    }
  }
  for (const id of rule.objectIds ?? []) {
    if (!/^[sg]:\d+$/.test(id)) problems.push(`"objectIds" holds "${id}": expected s:<id> or g:<id>`);
  }
  if (rule.namePattern === "") {
    problems.push(`"namePattern" must not be empty (leave it out to match every name)`);
  }
  for (const [k, v] of [["delayMs", rule.delayMs], ["repeatMs", rule.repeatMs]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1)) {
      problems.push(
        `"${k}" must be a whole number of milliseconds >= 0: current value is ${JSON.stringify(v)}`,
      );
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

const globCache = new Map<string, RegExp>();

/** Case-insensitive whole-name glob: `*` any run, `?` one character. */
export function globMatch(pattern: string, name: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, "is");
    if (globCache.size > 1000) globCache.clear();
    globCache.set(pattern, re);
  }
  return re.test(name);
}

/** Whether `filter` covers the object. */
export function matchesObject(filter: ObjectFilter, objectId: string, objectName: string): boolean {
  if (filter.object_ids && !filter.object_ids.includes(objectId)) return false;
  if (filter.name_pattern && !globMatch(filter.name_pattern, objectName)) return false;
  return true;
}

/** Whether a change from `known` (what the recipients last heard) to `next` is one `transitions` notifies. */
export function matchesTransition(transitions: readonly string[], known: string, next: string): boolean {
  if (known === next) return false;
  return transitions.some((t) => {
    const w = t.toUpperCase();
    if (w === "ANY") return true;
    if (w === "PROBLEM") return next !== OK_STATE;
    if (w === "RECOVERY") return next === OK_STATE && known !== OK_STATE;
    return w === next;
  });
}

/** Whether a window silences `ruleId` for the object at `at`. */
export function silenced(
  windows: readonly Window[],
  ruleId: number,
  objectId: string,
  objectName: string,
  at: Date,
): boolean {
  const t = at.getTime();
  return windows.some((w) =>
    (w.rule_id === null || w.rule_id === ruleId) && w.starts_at.getTime() <= t && t < w.ends_at.getTime() &&
    matchesObject(w, objectId, objectName)
  );
}

/** Subject line of a notification. */
export function subjectOf(p: NotificationPayload): string {
  const again = p.repeat > 0 ? ` (reminder ${p.repeat})` : "";
  return `${p.newState}: ${p.objectName} (was ${p.oldState})${again}`;
}

/** Plain-text body of a notification. */
export function textOf(p: NotificationPayload): string {
  return [
    `${p.objectName} changed from ${p.oldState} to ${p.newState} at ${p.ts}.`,
    p.cause ? `Cause: ${p.cause}` : "",
    `Object: ${p.objectId}`,
    `Rule: ${p.rule}`,
    p.repeat > 0 ? `The state persists; this is reminder ${p.repeat}.` : "",
  ].filter((l) => l !== "").join("\n");
}
