import { useEffect, useState } from 'preact/hooks';
import { copyText } from './clipboard';
import './copy.css';

// A small "Copy" button for a command, a tool output or a code block; says "Copied" for a moment.

const SHOWN_MS = 1500;

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const id = setTimeout(() => setState('idle'), SHOWN_MS);
    return () => clearTimeout(id);
  }, [state]);
  return (
    <button
      type="button"
      class={`copy-button ${state}`}
      aria-label={label}
      title={label}
      onClick={(e) => {
        e.stopPropagation();
        void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'));
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}
