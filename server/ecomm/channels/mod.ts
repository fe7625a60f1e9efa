/**
 * Every notification channel, registered in one table by type. A new channel is a new file
 * implementing {@linkcode Channel} plus one line here.
 * @module
 */
import type { Channel } from "./channel.ts";
import { commandChannel } from "./command.ts";
import { smtpChannel } from "./smtp.ts";
import { webhookChannel } from "./webhook.ts";

export { type Channel, DeliveryError, type Message, type NotificationPayload } from "./channel.ts";

/** Channels by `notification_channel.type`. */
export const CHANNELS: ReadonlyMap<string, Channel> = new Map(
  [webhookChannel, smtpChannel, commandChannel].map((c) => [c.type, c]),
);
