import { useState } from 'react';

/** The reject form: a note is required, since a rejected scene keeps no asset and someone will ask why. */
export function RejectForm({ disabled, onReject, onCancel }: { disabled: boolean; onReject(note: string): void; onCancel(): void }) {
  const [note, setNote] = useState('');
  return (
    <form
      className="decision-form"
      aria-label="Reject with a note"
      onSubmit={(event) => {
        event.preventDefault();
        if (note.trim() !== '') onReject(note.trim());
      }}
    >
      <label htmlFor="reject-note">Why is it rejected?</label>
      <textarea id="reject-note" rows={3} required maxLength={2000} value={note} onChange={(event) => setNote(event.target.value)} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="danger" disabled={disabled || note.trim() === ''}>
          Reject the scene
        </button>
      </div>
    </form>
  );
}
