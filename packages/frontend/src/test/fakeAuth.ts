import type { AuthChangeEvent, Session } from '@supabase/auth-js';
import type { AuthClient } from '../auth/AuthProvider';

export function makeSession(overrides: Partial<Session> = {}): Session {
  const now = Math.floor(Date.now() / 1000);
  return {
    access_token: 'test-access-token',
    refresh_token: 'test-refresh-token',
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: now + 3600,
    user: {
      id: '00000000-0000-4000-8000-000000000001',
      aud: 'authenticated',
      role: 'authenticated',
      email: 'operator@example.com',
      app_metadata: {},
      user_metadata: {},
      created_at: new Date().toISOString(),
    },
    ...overrides,
  };
}

/** An in-memory stand-in for supabase-js auth: same calls, same result shapes. */
export class FakeAuth {
  session: Session | null;
  listeners = new Set<(event: AuthChangeEvent, session: Session | null) => void>();
  passwords = new Map<string, string>([['operator@example.com', 'correct horse']]);
  signInCalls: { email: string; password: string }[] = [];
  refreshCalls = 0;
  /** Whether refreshSession succeeds (as when the refresh token is still good). */
  canRefresh = true;

  constructor(session: Session | null = makeSession()) {
    this.session = session;
  }

  private emit(event: AuthChangeEvent) {
    for (const listener of this.listeners) listener(event, this.session);
  }

  readonly client = {
    getSession: async () => ({ data: { session: this.session }, error: null }),
    onAuthStateChange: (callback: (event: AuthChangeEvent, session: Session | null) => void) => {
      this.listeners.add(callback);
      return {
        data: {
          subscription: {
            id: 'fake',
            callback,
            unsubscribe: () => this.listeners.delete(callback),
          },
        },
      };
    },
    signInWithPassword: async ({ email, password }: { email: string; password: string }) => {
      this.signInCalls.push({ email, password });
      if (this.passwords.get(email) !== password) {
        return {
          data: { user: null, session: null },
          error: { message: 'Invalid login credentials' },
        };
      }
      this.session = makeSession({ user: { ...makeSession().user, email } });
      this.emit('SIGNED_IN');
      return { data: { user: this.session.user, session: this.session }, error: null };
    },
    refreshSession: async () => {
      this.refreshCalls += 1;
      if (!this.canRefresh || !this.session) {
        return {
          data: { user: null, session: null },
          error: { message: 'Invalid Refresh Token' },
        };
      }
      this.session = makeSession({
        user: this.session.user,
        access_token: `test-access-token-${this.refreshCalls + 1}`,
      });
      this.emit('TOKEN_REFRESHED');
      return { data: { user: this.session.user, session: this.session }, error: null };
    },
    signOut: async () => {
      this.session = null;
      this.emit('SIGNED_OUT');
      return { error: null };
    },
  } as unknown as AuthClient;
}
