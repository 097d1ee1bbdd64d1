import { useState } from 'react';
import type { ProviderName } from '../api/types';
import { withoutAvoidList } from '../model/prompt-text';
import { IMAGE_PROVIDERS, VIDEO_PROVIDERS } from '../../../domain/provider';

export interface RegenerateRequest {
  customPrompt: string;
  provider?: ProviderName;
  note?: string;
}

// The server's limit for a person's prompt (request-schemas.ts).
const MAX_PROMPT_LENGTH = 4000;

interface RegenerateFormProps {
  initialPrompt: string;
  /** Which provider the round would use when the reviewer picks none. */
  currentProvider: ProviderName;
  allowNote: boolean;
  disabled: boolean;
  submitLabel: string;
  onSubmit(request: RegenerateRequest): void;
  onCancel(): void;
}

export function RegenerateForm({ initialPrompt, currentProvider, allowNote, disabled, submitLabel, onSubmit, onCancel }: RegenerateFormProps) {
  const [prompt, setPrompt] = useState(() => withoutAvoidList(initialPrompt));
  const [provider, setProvider] = useState<ProviderName | ''>('');
  const [note, setNote] = useState('');
  const trimmed = prompt.trim();
  return (
    <form
      className="decision-form"
      aria-label="Regenerate with an edited prompt"
      onSubmit={(event) => {
        event.preventDefault();
        if (trimmed === '') return;
        onSubmit({
          customPrompt: trimmed,
          ...(provider ? { provider } : {}),
          ...(allowNote && note.trim() ? { note: note.trim() } : {}),
        });
      }}
    >
      <label htmlFor="regenerate-prompt">Prompt for the next round</label>
      <textarea
        id="regenerate-prompt"
        value={prompt}
        maxLength={MAX_PROMPT_LENGTH}
        rows={5}
        required
        onChange={(event) => setPrompt(event.target.value)}
      />
      <p className="hint">
        Pre-filled with the best attempt's prompt. Fix phrases for the issues found and the avoid list are added to it on
        every attempt.
      </p>
      <label htmlFor="regenerate-provider">Provider</label>
      <select id="regenerate-provider" value={provider} onChange={(event) => setProvider(event.target.value as ProviderName | '')}>
        <option value="">Keep {currentProvider}, then the usual fallbacks</option>
        <optgroup label="Video">
          {VIDEO_PROVIDERS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </optgroup>
        <optgroup label="Image">
          {IMAGE_PROVIDERS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </optgroup>
      </select>
      {allowNote && (
        <>
          <label htmlFor="regenerate-note">Note (optional)</label>
          <input id="regenerate-note" type="text" value={note} maxLength={2000} onChange={(event) => setNote(event.target.value)} />
        </>
      )}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={disabled || trimmed === ''}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
