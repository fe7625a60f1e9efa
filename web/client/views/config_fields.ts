/**
 * Field tables of the configuration editor: one table per object kind and one per check type.
 * @module
 */
import type { FieldSpec } from "../components/form.tsx";

/** Check types and their parameter fields. */
export const CHECK_PARAMS: Record<string, FieldSpec[]> = {
  counter: [],
  http: [
    { path: "params.url", label: "URL", type: "text", placeholder: "https://example.com/health" },
    { path: "params.expectStatus", label: "Expected status", type: "number", placeholder: "200" },
    { path: "params.keyword", label: "Keyword in body", type: "text" },
    { path: "params.certWarnDays", label: "Certificate expiry warning (days)", type: "number" },
  ],
  tcp: [
    { path: "params.host", label: "Host", type: "text" },
    { path: "params.port", label: "Port", type: "number" },
  ],
  process: [{ path: "params.name", label: "Process name", type: "text" }],
  filesystem: [{ path: "params.mount", label: "Mount point", type: "text", placeholder: "/" }],
  command: [{
    path: "params.command",
    label: "Nagios plugin command",
    type: "text",
    placeholder: "/usr/lib/nagios/plugins/check_load -w 5 -c 10",
  }],
  snmp: [
    { path: "params.host", label: "Host", type: "text" },
    { path: "params.oid", label: "OID", type: "text" },
    { path: "params.community", label: "Community", type: "text" },
  ],
};

/** Fields common to every check. */
export function checkFields(): FieldSpec[] {
  return [
    { path: "name", label: "Name", type: "text" },
    {
      path: "type",
      label: "Type",
      type: "select",
      options: Object.keys(CHECK_PARAMS).map((t) => ({ value: t, label: t })),
    },
    {
      path: "intervalMs",
      label: "Interval (ms)",
      type: "number",
      help: "How often the agent runs the check",
    },
    {
      path: "counterKey",
      label: "Counter",
      type: "text",
      placeholder: "cpu.busy_pct",
      help: "For counter checks",
    },
    {
      path: "warn",
      label: "Warning range",
      type: "text",
      placeholder: "80",
      help: "Nagios range: 80, 10:20, @5:10",
    },
    { path: "crit", label: "Critical range", type: "text", placeholder: "95" },
  ];
}

/** Fields of a service. */
export function serviceFields(
  groups: { id: number; name: string }[],
  agents: { id: number; name: string }[],
): FieldSpec[] {
  return [
    { path: "name", label: "Name", type: "text" },
    {
      path: "groupId",
      label: "Group",
      type: "select",
      options: groups.map((g) => ({ value: g.id, label: g.name })),
    },
    {
      path: "agentId",
      label: "Agent",
      type: "select",
      options: agents.map((a) => ({ value: a.id, label: a.name })),
    },
  ];
}

/** Fields of a service group. */
export function groupFields(groups: { id: number; name: string }[]): FieldSpec[] {
  return [
    { path: "name", label: "Name", type: "text" },
    {
      path: "parentId",
      label: "Parent group",
      type: "select",
      options: [{ value: 0, label: "— top level —" }, ...groups.map((g) => ({ value: g.id, label: g.name }))],
    },
  ];
}

/** Fields of a log pool. */
export const POOL_FIELDS: FieldSpec[] = [
  { path: "name", label: "Name", type: "text" },
  {
    path: "levelThreshold",
    label: "Level threshold",
    type: "select",
    options: [0, 50, 60, 70].map((v) => ({
      value: v,
      label: `${v} ${({ 0: "log", 50: "normal", 60: "detail", 70: "debug" } as Record<number, string>)[v]}`,
    })),
  },
  { path: "retentionDays", label: "Retention (days)", type: "number" },
];

/** Fields of the server settings. */
export const SETTINGS_FIELDS: FieldSpec[] = [
  { path: "name", label: "Instance name", type: "text" },
  { path: "url", label: "Public URL", type: "text", help: "Used in links in notifications" },
  { path: "timeZone", label: "Time zone", type: "text", placeholder: "Europe/Vienna" },
  { path: "retentionDays.counters", label: "Keep counters (days)", type: "number" },
  { path: "retentionDays.requests", label: "Keep request rows (days)", type: "number" },
  { path: "retentionDays.telemetry", label: "Keep raw telemetry (days)", type: "number" },
];

/** Fields of a user. */
export const USER_FIELDS: FieldSpec[] = [
  { path: "name", label: "User name", type: "text" },
  {
    path: "role",
    label: "Role",
    type: "select",
    options: ["viewer", "operator", "admin"].map((r) => ({ value: r, label: r })),
  },
  {
    path: "password",
    label: "Password",
    type: "password",
    help: "At least 10 characters; leave empty to keep",
  },
  { path: "disabled", label: "Disabled", type: "checkbox" },
];
