import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { ValidationError } from "@sonde/shared/errors";
import {
  globMatch,
  matchesObject,
  matchesTransition,
  silenced,
  subjectOf,
  validateRule,
  type Window,
} from "./rules.ts";

Deno.test("glob patterns match whole object names, case-insensitively", () => {
  assert(globMatch("web-*", "WEB-01"));
  assert(globMatch("db-0?", "db-07"));
  assert(!globMatch("db-0?", "db-017"));
  assert(!globMatch("web", "web-01"));
  assert(globMatch("a.b(c)", "a.b(c)"));
  assert(!globMatch("a.b", "axb"));
});

Deno.test("an object filter needs both the id list and the name pattern to match", () => {
  const f = { object_ids: ["s:1", "g:2"], name_pattern: "web*" };
  assert(matchesObject(f, "s:1", "web-01"));
  assert(!matchesObject(f, "s:3", "web-01"));
  assert(!matchesObject(f, "g:2", "db"));
  assert(matchesObject({ object_ids: null, name_pattern: null }, "s:9", "anything"));
});

Deno.test("transitions: any, problem, recovery and 'changed to'", () => {
  assert(matchesTransition(["any"], "OK", "WARNING"));
  assert(!matchesTransition(["any"], "OK", "OK"));
  assert(matchesTransition(["problem"], "OK", "UNKNOWN"));
  assert(!matchesTransition(["problem"], "CRITICAL", "OK"));
  assert(matchesTransition(["recovery"], "CRITICAL", "OK"));
  assert(!matchesTransition(["recovery"], "OK", "CRITICAL"));
  assert(matchesTransition(["CRITICAL"], "WARNING", "CRITICAL"));
  assert(!matchesTransition(["critical"], "OK", "WARNING"));
  assert(matchesTransition(["critical", "recovery"], "WARNING", "OK"));
});

Deno.test("maintenance windows silence only their rule, objects and time span", () => {
  const w: Window[] = [{
    rule_id: 2,
    object_ids: null,
    name_pattern: "db-*",
    starts_at: new Date("2026-01-01T10:00:00Z"),
    ends_at: new Date("2026-01-01T11:00:00Z"),
  }];
  const at = new Date("2026-01-01T10:30:00Z");
  assert(silenced(w, 2, "s:1", "db-01", at));
  assert(!silenced(w, 3, "s:1", "db-01", at));
  assert(!silenced(w, 2, "s:1", "web-01", at));
  assert(!silenced(w, 2, "s:1", "db-01", new Date("2026-01-01T11:00:00Z")));
});

Deno.test("subject names the new state, the object and the old state", () => {
  const p = {
    eventId: 1,
    ts: "2026-01-01T00:00:00.000Z",
    objectId: "s:1",
    objectName: "web-01",
    oldState: "OK",
    newState: "CRITICAL",
    cause: "http: 500",
    rule: "ops",
    repeat: 0,
  };
  assertEquals(subjectOf(p), "CRITICAL: web-01 (was OK)");
  assertEquals(subjectOf({ ...p, repeat: 2 }), "CRITICAL: web-01 (was OK) (reminder 2)");
});

Deno.test("validateRule accepts words and states, and names every problem", () => {
  validateRule({ transitions: ["any"], objectIds: ["s:1", "g:22"], delayMs: 0 });
  validateRule({ transitions: ["critical", "Recovery"], namePattern: "web-*", repeatMs: 3_600_000 });
  const e = assertThrows(() =>
    validateRule({
      transitions: ["CRTICAL"],
      objectIds: ["svc1"],
      namePattern: "",
      delayMs: -5,
      repeatMs: 1.5,
    })
  );
  assert(e instanceof ValidationError);
  assertEquals(e.problems, [
    '"transitions" holds "CRTICAL": expected one of any, problem, recovery, OK, WARNING, CRITICAL, UNKNOWN',
    '"objectIds" holds "svc1": expected s:<id> or g:<id>',
    '"namePattern" must not be empty (leave it out to match every name)',
    '"delayMs" must be a whole number of milliseconds >= 0: current value is -5',
    '"repeatMs" must be a whole number of milliseconds >= 0: current value is 1.5',
  ]);
  assertThrows(() => validateRule({ transitions: [] }), "at least one transition");
});
