import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_DISPLAY_NAME } from '../../../protocol/src';
import './displayName.css';

// "Your name": the name this viewer shows to everyone watching, set once and kept on this device.

export function DisplayNameButton({ name, onSave }: { name: string; onSave: (name: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(name);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);
  if (!editing) {
    return (
      <button
        type="button"
        class="button ghost small name-button"
        title="The name others watching see for you (kept on this device)"
        onClick={() => {
          setDraft(name);
          setEditing(true);
        }}
      >
        {name ? `You: ${name}` : 'Set your name'}
      </button>
    );
  }
  const save = () => {
    onSave(draft);
    setEditing(false);
  };
  return (
    <form
      class="name-form"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <input
        ref={input}
        class="name-input"
        aria-label="Your name, as others watching see it"
        placeholder="Your name"
        maxLength={MAX_DISPLAY_NAME}
        value={draft}
        onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setEditing(false);
        }}
      />
      <button type="submit" class="button primary small">
        Save
      </button>
    </form>
  );
}
