import { Avatar } from '../ui/ui';

/**
 * The colleagues offered while typing `@name` in a note. Focus stays in the textarea (it owns
 * aria-activedescendant); arrows move, Enter or Tab picks, Escape closes. Names render as text.
 */
export function MentionPicker({ users, active, onPick, onHover }: { users: { id: string; name: string; role?: string }[]; active: number; onPick: (u: { id: string; name: string }) => void; onHover: (i: number) => void }) {
  return (
    <ul id="mention-picker" className="mention-picker" role="listbox" aria-label="Mention a colleague">
      {users.map((u, i) => (
        <li key={u.id} id={`mention-${u.id}`} role="option" aria-selected={i === active} className={i === active ? 'on' : ''}
          onMouseDown={(e) => { e.preventDefault(); onPick(u); }} onMouseEnter={() => onHover(i)}>
          <Avatar name={u.name} size={20} /><span className="mention-name">{u.name}</span>{u.role ? <span className="muted small">{u.role.replace('_', ' ')}</span> : null}
        </li>
      ))}
    </ul>
  );
}
