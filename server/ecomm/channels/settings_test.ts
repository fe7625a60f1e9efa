import { assertEquals, assertThrows } from "../../../tests/helpers/assert.ts";
import { ValidationError } from "@sonde/shared/errors";
import { CHANNELS, validateChannel } from "./mod.ts";
import { substitute } from "./command.ts";

function problems(type: string, settings: unknown): string[] {
  const e = assertThrows(() => CHANNELS.get(type)!.parseSettings(settings));
  return e instanceof ValidationError ? e.problems : [e.message];
}

Deno.test("channels: every type is registered once", () => {
  assertEquals([...CHANNELS.keys()].sort(), ["command", "smtp", "webhook"]);
});

Deno.test("channels: bad settings name every problem with its value", () => {
  assertEquals(problems("webhook", { url: "ftp://x", timeoutMs: -1, headers: { a: 1 } }), [
    'webhook settings "url" must be http(s): current value is "ftp://x"',
    'webhook settings "timeoutMs" must be a positive number: current value is -1',
    'webhook settings "headers.a" must be a string: current value is 1',
  ]);
  assertEquals(problems("smtp", { host: "", security: "ssl", from: "me", to: [] }), [
    'smtp settings "host" must be a non-empty string: current value is ""',
    'smtp settings "security" must be one of none, starttls, tls: current value is "ssl"',
    'smtp settings "to" must be a string or a list of strings: current value is []',
    'smtp address "me" is not an address',
  ]);
  assertEquals(problems("command", null), [
    "command settings must be an object: current value is null",
    'command settings "command" must be a string or a list of strings: current value is undefined',
  ]);
});

Deno.test("command: placeholders are replaced inside each argument, nothing else", () => {
  const v = { file: "/tmp/m.txt", to: "a@x,b@y", subject: "CRITICAL: web (was OK)" };
  assertEquals(substitute("--file=%FILE", v), "--file=/tmp/m.txt");
  assertEquals(substitute("%SUBJECT for %TO", v), "CRITICAL: web (was OK) for a@x,b@y");
  assertEquals(substitute("100% %file $(id)", v), "100% %file $(id)");
});

Deno.test("channels: validateChannel accepts good settings and names an unknown type", () => {
  validateChannel("webhook", { url: "https://hooks.example.test/x", secret: "s" });
  validateChannel("smtp", { host: "mail", from: "a@b.c", to: "ops@b.c", security: "starttls" });
  validateChannel("command", { command: ["/usr/bin/logger", "%SUBJECT"] });
  assertThrows(() => validateChannel("pager", {}), 'channel type "pager" is unknown');
});
