/**
 * Field tables of the configuration editor: one table per object kind and one per check type.
 * @module
 */
import type { FieldSpec } from "../components/form.tsx";

/** Check types and their parameter fields (names as the agent's `CheckParamsByType`). */
export const CHECK_PARAMS: Record<string, FieldSpec[]> = {
  counter: [
    { path: "params.key", label: "Counter", type: "text", placeholder: "cpu.busy_pct" },
    {
      path: "params.warn",
      label: "Warning range",
      type: "text",
      placeholder: "80",
      help: "Nagios range: 80, 10:20, @5:10",
    },
    { path: "params.crit", label: "Critical range", type: "text", placeholder: "95" },
  ],
  http: [
    { path: "params.url", label: "URL", type: "text", placeholder: "https://example.com/health" },
    { path: "params.keyword", label: "Keyword in body", type: "text" },
    { path: "params.warnMs", label: "Warning response time (ms range)", type: "text", placeholder: "500" },
    { path: "params.critMs", label: "Critical response time (ms range)", type: "text", placeholder: "2000" },
    { path: "params.certWarnDays", label: "Certificate expiry warning (days)", type: "number" },
    { path: "params.followRedirects", label: "Redirects to follow", type: "number", placeholder: "0" },
  ],
  tcp: [
    { path: "params.host", label: "Host", type: "text" },
    { path: "params.port", label: "Port", type: "number" },
    { path: "params.warnMs", label: "Warning connect time (ms range)", type: "text" },
  ],
  process: [
    { path: "params.match", label: "Process name pattern", type: "text" },
    { path: "params.warn", label: "Warning range (count)", type: "text", placeholder: "1:" },
    { path: "params.crit", label: "Critical range (count)", type: "text", placeholder: "1:" },
  ],
  filesystem: [
    { path: "params.path", label: "Mount point", type: "text", placeholder: "/" },
    { path: "params.warn", label: "Warning range (free %)", type: "text", placeholder: "20:" },
    { path: "params.crit", label: "Critical range (free %)", type: "text", placeholder: "10:" },
  ],
  snmp: [
    { path: "params.host", label: "Host", type: "text", placeholder: "127.0.0.1" },
    { path: "params.port", label: "Port", type: "number", placeholder: "161" },
    { path: "params.community", label: "Community", type: "text", placeholder: "public" },
    { path: "params.oid", label: "OID", type: "text", placeholder: "1.3.6.1.2.1.25.1.6.0" },
    { path: "params.warn", label: "Warning range", type: "text", help: "Nagios range: 80, 10:20, @5:10" },
    { path: "params.crit", label: "Critical range", type: "text" },
    { path: "params.expect", label: "Text the value must contain", type: "text" },
  ],
  command: [
    {
      path: "params.command",
      label: "Nagios plugin command",
      type: "words",
      placeholder: "/usr/lib/nagios/plugins/check_load -w 5 -c 10",
    },
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
    { path: "timeoutMs", label: "Timeout (ms)", type: "number", placeholder: "10000" },
    { path: "enabled", label: "Enabled", type: "checkbox" },
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
