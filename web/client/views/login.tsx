/** @jsxImportSource preact */
/**
 * Sign-in form.
 * @module
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../api.ts";
import type { User } from "../components/layout.tsx";

/** The sign-in page. */
export function LoginView({ onLogin }: { onLogin: (u: User) => void }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api("/session");
      const r = await api<{ user: User }>("/login", { method: "POST", body: { name, password } });
      onLogin(r.user);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login-page">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div class="login-brand">
          <svg viewBox="0 0 32 32" class="logo big" aria-hidden="true">
            <circle cx="16" cy="16" r="12" fill="none" stroke="currentColor" stroke-width="3" />
            <circle cx="16" cy="16" r="4" fill="var(--ok)" />
          </svg>
          <h1 id="login-title">Sign in to Sonde</h1>
          <p class="muted">Application telemetry and infrastructure monitoring</p>
        </div>
        <label class="field">
          <span>User name</span>
          <input
            name="name"
            autoComplete="username"
            required
            value={name}
            autoFocus
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && <div class="form-error" role="alert">{error}</div>}
        <button class="btn primary wide" type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
