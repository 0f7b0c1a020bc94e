import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { BotStatus } from './bots.ts';

/** Messages the server pushes on WebSocket /api/v1/ws (JSON text frames). */
export const LiveEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('bot.changed'),
    op: z.enum(['insert', 'update', 'delete']),
    id: Id,
    status: BotStatus.nullable(),
    previous_status: BotStatus.nullable(),
    at: Timestamp,
  }),
  z.object({
    type: z.literal('finance.operation_created'),
    id: Id,
    operation_type: z.enum(['income', 'expense']),
    amount: z.string(),
    currency: z.string(),
    bot_id: Id.nullable(),
    at: Timestamp,
  }),
  z.object({
    type: z.literal('artifact.uploaded'),
    id: Id,
    object_key: z.string(),
    at: Timestamp,
  }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;

/** The first message of every connection: the server is subscribed from here on. */
export const WsHello = z.object({ type: z.literal('hello'), server_time: Timestamp });
export type WsHello = z.infer<typeof WsHello>;

export const WsMessage = z.union([WsHello, LiveEvent]);
export type WsMessage = z.infer<typeof WsMessage>;

/** Sub-protocol the server selects when the token comes as `Sec-WebSocket-Protocol: bearer, <jwt>`. */
export const WS_BEARER_PROTOCOL = 'bearer';
export const WS_PATH = '/api/v1/ws';

/**
 * Close codes for a refused or expired token. The server completes the upgrade and then closes
 * with one of these, because a browser sees a refused upgrade (HTTP 401/403) only as 1006.
 * 4401: no token, a bad one, or one whose `exp` has passed (refresh the session, reconnect).
 * 4403: a valid token whose role may not subscribe (reconnecting will not help).
 */
export const WS_CLOSE_UNAUTHORIZED = 4401;
export const WS_CLOSE_FORBIDDEN = 4403;
