import { Component, type ErrorInfo, type ReactNode } from 'react';
import { describeError } from '@bot-mox/contracts/client';

interface State {
  error: unknown;
}

/** Keeps one broken page (or a failed chunk load) from blanking the whole app. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidCatch(_error: unknown, _info: ErrorInfo) {
    // Shown in the UI below; nothing else to report to.
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="state state-error" role="alert">
          <strong>This page failed to load</strong>
          <span>{describeError(this.state.error)}</span>
          <button type="button" className="btn btn-small" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
