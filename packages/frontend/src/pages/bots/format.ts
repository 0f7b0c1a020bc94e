import type { Bot } from '@bot-mox/contracts';

/** "Thrall (42) · Firemaw", or an em dash without a character. */
export function characterLabel(character: Bot['character']): string {
  if (!character) return '—';
  const level = character.level !== null ? ` (${character.level})` : '';
  const server = character.server ? ` · ${character.server}` : '';
  return `${character.name}${level}${server}`;
}

/** The app's page of one bot (finance rows and the bots table link here). */
export const botRoute = (id: string) => `/bots/${encodeURIComponent(id)}`;
