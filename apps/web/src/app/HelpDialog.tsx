import { Dialog } from '../ui/ui';

const shortcuts: [string, string][] = [
  ['j / k', 'Next / previous conversation'],
  ['r', 'Reply (focus the composer)'],
  ['e', 'Resolve the open conversation'],
  ['a', 'Assign (focus the assignee picker)'],
  ['o', 'Your availability: online, away, offline (focus its picker)'],
  ['/', 'Search'],
  ['Ctrl + Enter', 'Send from the composer'],
  ['?', 'This help'],
  ['Esc', 'Leave a field or close a dialog'],
];

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose}>
      <dl className="shortcuts">
        {shortcuts.map(([k, v]) => <div key={k}><dt><kbd>{k}</kbd></dt><dd>{v}</dd></div>)}
      </dl>
    </Dialog>
  );
}
