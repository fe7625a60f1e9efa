/**
 * Every notification channel, registered in one table by type. A new channel is a new file
 * implementing {@linkcode Channel} plus one line here.
 * @module
 */
import { ValidationError } from "@sonde/shared/errors";
import type { Channel } from "./channel.ts";
import { commandChannel } from "./command.ts";
import { smtpChannel } from "./smtp.ts";
import { webhookChannel } from "./webhook.ts";

export { type Channel, DeliveryError, type Message, type NotificationPayload } from "./channel.ts";

/** Channels by `notification_channel.type`. */
export const CHANNELS: ReadonlyMap<string, Channel> = new Map(
  [webhookChannel, smtpChannel, commandChannel].map((c) => [c.type, c]),
);

/**
 * Checks a channel before it is stored (for configuration APIs): throws a `ValidationError` for an
 * unknown type or settings with problems, each problem named with its value.
 */
export function validateChannel(type: string, settings: unknown): void {
  const channel = CHANNELS.get(type);
  if (!channel) {
    throw new ValidationError(
      `channel type "${type}" is unknown: expected one of ${[...CHANNELS.keys()].join(", ")}`,
    );
  }
  channel.parseSettings(settings);
}
