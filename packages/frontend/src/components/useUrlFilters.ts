import { useSearchParams } from 'react-router';

/**
 * A page's filters in the URL (shareable, kept on reload): `get` reads one ('' when absent),
 * `set` writes one (a blank value removes it), `clear` drops them all. History is replaced,
 * not pushed, so typing into a filter does not fill the back button.
 */
export function useUrlFilters() {
  const [params, setParams] = useSearchParams();
  return {
    get: (name: string) => params.get(name) ?? '',
    set: (name: string, value: string) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (value) next.set(name, value);
          else next.delete(name);
          return next;
        },
        { replace: true },
      ),
    clear: () => setParams({}, { replace: true }),
  };
}
