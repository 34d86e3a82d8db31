import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/client';
import { Button } from '../ui/ui';
import { useSession } from './session';

export function SignIn() {
  const { signIn, notice } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try { await signIn(email, password); } catch (err) { setError(errorMessage(err)); } finally { setBusy(false); }
  };

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <div className="brandmark"><img src="/favicon.svg" alt="" width={36} height={36} /><span>Earshot</span></div>
        <h1 id="signin-title">Sign in to your desk</h1>
        {notice ? <p className="notice" role="status">{notice}</p> : null}
        <label className="field"><span>Email</span>
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label className="field"><span>Password</span>
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error ? <p className="form-error" role="alert">{error}</p> : null}
        <Button variant="primary" type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</Button>
        <p className="muted small">First start? The admin password is printed by <code>npm start</code> and kept in the data folder.</p>
      </form>
    </main>
  );
}
