import type { GoTrueClient, Session } from '@supabase/auth-js';
import {
  createContext,
  startTransition,
  use,
  useCallback,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';

export interface AuthState {
  /** undefined while the stored session is being read. */
  session: Session | null | undefined;
  signInWithPassword: (email: string, password: string) => Promise<string | null>;
  signOut: () => Promise<void>;
  /** Drops the session because the API refused it (401). */
  expire: () => void;
  /** Asks for a fresh access token; resolves to it, or to null if the session can't be renewed. */
  refresh: () => Promise<string | null>;
  /** Why the user was sent back to login, if they were. */
  notice: string | null;
}

const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const value = use(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

/** The subset of supabase-js auth the app uses; tests pass a small fake. */
export type AuthClient = Pick<
  GoTrueClient,
  'getSession' | 'onAuthStateChange' | 'refreshSession' | 'signInWithPassword' | 'signOut'
>;

export function AuthProvider({ auth, children }: { auth: AuthClient; children: ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    // A session change renders the whole signed-in app (or the login page): as a transition,
    // that render yields to the browser every few milliseconds instead of one long task.
    void auth.getSession().then(({ data }) => {
      if (!active) return;
      startTransition(() =>
        setSession((current) => (current === undefined ? data.session : current)),
      );
    });
    const { data } = auth.onAuthStateChange((_event, next) => {
      if (active) startTransition(() => setSession(next));
    });
    return () => {
      active = false;
      data.subscription.unsubscribe();
    };
  }, [auth]);

  const signInWithPassword = useCallback(
    async (email: string, password: string) => {
      const { data, error } = await auth.signInWithPassword({ email, password });
      if (error) return error.message;
      setNotice(null);
      setSession(data.session);
      return null;
    },
    [auth],
  );

  const signOut = useCallback(async () => {
    await auth.signOut({ scope: 'local' });
    setSession(null);
  }, [auth]);

  const expire = useCallback(() => {
    setNotice('Your session has expired or was refused. Please sign in again.');
    void auth.signOut({ scope: 'local' }).finally(() => setSession(null));
  }, [auth]);

  const refresh = useCallback(async () => {
    try {
      const { data, error } = await auth.refreshSession();
      if (error || !data.session) return null;
      setSession(data.session);
      return data.session.access_token;
    } catch {
      return null; // e.g. the login service is unreachable
    }
  }, [auth]);

  const value = useMemo(
    () => ({ session, signInWithPassword, signOut, expire, refresh, notice }),
    [session, signInWithPassword, signOut, expire, refresh, notice],
  );
  return <AuthContext value={value}>{children}</AuthContext>;
}
