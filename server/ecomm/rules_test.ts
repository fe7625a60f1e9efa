import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { globMatch, matchesObject, matchesTransition, silenced, subjectOf, type Window } from "./rules.ts";

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
