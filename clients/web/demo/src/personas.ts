import type { MessagePart } from '../../src/core/index.js';

/** One step of a scripted reply: text streamed word by word, or a tool call that takes a while. */
export type Step = { text: string } | { tool: string; input: unknown; output: unknown; ms: number };

export interface Persona {
  id: string;
  name: string;
  blurb: string;
  /** No script: the persona never answers (a notebook). */
  script?: (question: string) => Step[];
}

export const PERSONAS: Persona[] = [
  {
    id: 'hitesh',
    name: 'Hitesh',
    blurb: 'Kafka mentor; looks things up before answering',
    script: (q) => [
      { text: `Good question${q.endsWith('?') ? '' : ' about that'}! Let me check the Kafka docs first.` },
      { tool: 'searchDocs', input: { query: q.slice(0, 80) }, output: { hits: 3, source: 'kafka.apache.org/documentation' }, ms: 2600 },
      { text: ' Here is the short version: a topic is split into partitions, and each partition is an ordered, append-only log. Records with the same key always land in the same partition, so their order is kept. Consumers of one group share the partitions between them, which is how reading scales.' },
    ],
  },
  {
    id: 'echo',
    name: 'Echo',
    blurb: 'repeats you, one word every 50 ms',
    script: (q) => [{ text: `You said: "${q}". I am a scripted echo, streaming this reply word by word so that the client sees one change every fifty milliseconds.` }],
  },
  { id: 'notes', name: 'Notes', blurb: 'a notebook: never answers' },
];

export const personaOf = (id: string) => PERSONAS.find((p) => p.id === id) ?? PERSONAS[0]!;

export const STREAM_TICK_MS = 50;

/**
 * Plays a script as an AI SDK assistant message would stream: a word per tick into the last text part,
 * tool parts going from input-available to output-available. Returns a function that stops it.
 */
export function play(steps: Step[], update: (parts: MessagePart[], done: boolean) => void): () => void {
  let parts: MessagePart[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const queue = steps.slice();
  let words: string[] = [];
  const next = () => {
    if (words.length) {
      const word = words.shift()!;
      const last = parts[parts.length - 1] as { type: string; text?: string } | undefined;
      parts = last?.type === 'text'
        ? [...parts.slice(0, -1), { type: 'text', text: last.text + word } as MessagePart]
        : [...parts, { type: 'text', text: word } as MessagePart];
      update(parts, false);
      timer = setTimeout(next, STREAM_TICK_MS);
      return;
    }
    const step = queue.shift();
    if (!step) return update(parts, true);
    if ('text' in step) {
      words = step.text.match(/\s*\S+/g) ?? [];
      return next();
    }
    const call = { type: `tool-${step.tool}`, toolCallId: 'call-' + Math.random().toString(36).slice(2, 10), input: step.input };
    parts = [...parts, { ...call, state: 'input-available' } as MessagePart];
    update(parts, false);
    timer = setTimeout(() => {
      parts = parts.map((p) => ((p as { toolCallId?: string }).toolCallId === call.toolCallId ? ({ ...call, state: 'output-available', output: step.output } as MessagePart) : p));
      update(parts, false);
      next();
    }, step.ms);
  };
  timer = setTimeout(next, STREAM_TICK_MS);
  return () => clearTimeout(timer);
}
