/** The table of check types. A new check type is a new file plus one line here. @module */
import type { CheckTypeName } from "@sonde/shared/wire/agent_config";
import type { CheckType } from "./check_type.ts";
import { commandCheck } from "./command.ts";
import { counterCheck } from "./counter.ts";
import { filesystemCheck } from "./filesystem.ts";
import { httpCheck } from "./http.ts";
import { processCheck } from "./process.ts";
import { snmpCheck } from "./snmp.ts";
import { tcpCheck } from "./tcp.ts";

/** Every check type by name. */
export const CHECK_TYPES: { [T in CheckTypeName]: CheckType<T> } = {
  http: httpCheck,
  tcp: tcpCheck,
  process: processCheck,
  filesystem: filesystemCheck,
  counter: counterCheck,
  command: commandCheck,
  snmp: snmpCheck,
};
