import { useMemo } from 'react';
import { diffPrompts } from '../model/prompt-diff';

/** The prompt with what it added (and dropped) against the one before it marked. */
export function PromptChanges({ prompt, previous }: { prompt: string; previous: string | undefined }) {
  const segments = useMemo(() => (previous === undefined ? undefined : diffPrompts(previous, prompt)), [prompt, previous]);
  return (
    <div className="prompt" tabIndex={0} aria-label="Prompt">
      {segments === undefined
        ? prompt
        : segments.map((segment, index) => {
            if (segment.change === 'added') return <ins key={index}>{segment.text}</ins>;
            if (segment.change === 'removed') return <del key={index}>{segment.text}</del>;
            return <span key={index}>{segment.text}</span>;
          })}
    </div>
  );
}
