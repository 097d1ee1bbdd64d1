/**
 * What a prompt asks for, read with the simulator's own words. The product writes its fixes in
 * its own phrasing and may reword them at any time; a judge that only rewarded those exact
 * phrases would make any prompt rule look right by construction. So each look the simulated judge
 * cares about is a concept with a few aspects, and each aspect is recognised by word stems,
 * synonyms and short "modifier near noun" pairs, wherever and however the prompt says it.
 *
 * A concept's presence is the share of its aspects the text expresses (0..1): "warm light" alone
 * is a third of the warm-lighting concept, "sunlit amber glow, daylight, gentle shade" all of it.
 * Words inside a negation ("no …", "without …", "free of …") count only where an aspect is the
 * absence of something (no lettering, no interface), and never as a request for the thing named.
 */

export const CONCEPTS = [
  'warmLight',
  'earthPalette',
  'homelyMaterials',
  'realism',
  'sharpDetail',
  'subjectFocus',
  'balancedFrame',
  'simplicity',
  'minimalStyle',
] as const;
export type Concept = (typeof CONCEPTS)[number];
export type ConceptPresence = Record<Concept, number>;

/** One aspect of a concept: met when any pattern matches the asked-for text or, for `absent`, a negated span. */
interface Aspect {
  asked?: RegExp[];
  absent?: RegExp[];
}

/** How many words may stand between a modifier and its noun ("warm golden natural lighting"). */
const NEAR_GAP = 3;

/**
 * `first` and `second` (alternations of stems) within `gap` words of each other, in either order,
 * inside one clause. Stems match whole words and their endings: "light" also reads "lighting".
 */
function near(first: string, second: string, gap = NEAR_GAP): RegExp {
  const between = `(?:[\\s/-]+[\\w']+){0,${gap}}?[\\s/-]+`;
  return new RegExp(`\\b(?:${first})\\w*${between}(?:${second})\\w*|\\b(?:${second})\\w*${between}(?:${first})\\w*`);
}

/** Any of the words or phrases, as whole words. */
function words(alternatives: string): RegExp {
  return new RegExp(`\\b(?:${alternatives})\\b`);
}

const VOCABULARY: Record<Concept, Aspect[]> = {
  warmLight: [
    {
      asked: [
        near('warm|golden|amber|honey|sunset|late[- ]afternoon|candle|fire', 'light|lit|glow|sun|hour|daylight'),
        words('sunlit|sun[- ]?(?:kissed|drenched|soaked|washed)|candle ?lit|fire ?lit|golden hour|glowing warmth'),
      ],
    },
    {
      asked: [
        near('natural|ambient|window|day|morning|afternoon|sun', 'light|lit', 1),
        words('daylight|daylit|sunlight|sunshine'),
      ],
    },
    {
      asked: [near('soft|gentle|subtle|diffuse|delicate|mild|feathered|long', 'shadow|shade|shading', 2), words('diffused? (?:light|lighting)')],
      absent: [words('harsh (?:shadows?|light|lighting)|hard shadows?')],
    },
  ],
  earthPalette: [
    { asked: [words('earth(?:y|en)?[\\s-]*(?:tones?|colou?rs?|hues?|shades?|palette)|terracotta|ochre|ocher|sienna|umber|rust')] },
    { asked: [near('warm|rich|deep|muted|forest|olive|moss|sage|chocolate|caramel', 'brown|green|olive|beige|tan|caramel|ochre|cream', 2)] },
    { asked: [near('natural|organic|earthy|muted|warm|autumn|harmonious|restrained', 'palette|colou?rs|colou?ring|tones|hues', 2)] },
  ],
  homelyMaterials: [
    {
      asked: [
        words('cozy|cosy|homely|homey|snug|lived[- ]in|welcoming|inviting|hygge'),
        near('home|domestic|family|household', 'environment|setting|interior|atmosphere|feel|space', 1),
      ],
    },
    { asked: [near('natural|tactile|rustic|rough|raw|real|handmade|hand[- ]made|woven|soft', 'texture|textile|fabric|grain|weave', 2)] },
    { asked: [near('organic|natural|raw|untreated|sustainable|earthy', 'material|wood|stone|clay|fibre|fiber|surface|finish', 2)] },
  ],
  realism: [
    { asked: [words('photo[- ]?real\\w*|hyper[- ]?real\\w*|life[- ]?like|true[- ]to[- ]life|realistic|natural[- ]looking|documentary[- ]style|real[- ]world')] },
    {
      asked: [words('text[- ]free')],
      absent: [words('text|lettering|letters|captions?|words|writing|typography|logos?|watermarks?|signage|labels?|subtitles?')],
    },
    {
      asked: [words('interface[- ]free')],
      absent: [words('ui|user interface|interfaces?|hud|overlays?|screens?|icons?|buttons?|menus?|graphics|infographics?')],
    },
    {
      asked: [
        near('clean|pristine|flawless|undistorted|unretouched', 'image|picture|frame|render|shot|photo|result|look', 1),
        words('(?:artifact|artefact|glitch|distortion)[- ]free'),
      ],
      absent: [words('artifacts?|artefacts?|glitch\\w*|distortions?|warping|deformit\\w*')],
    },
  ],
  sharpDetail: [
    {
      asked: [
        words('high[- ]?res\\w*|hi[- ]?res|[48]k|ultra[- ]?hd|uhd|full[- ]?hd|hd|high[- ]definition'),
        near('fine|finely|rich|richly|intricate|intricately|highly', 'detail', 1),
      ],
    },
    {
      asked: [
        near('sharp|crisp|tack|razor|pin|precise', 'focus|detail|edges|lines', 1),
        words('in focus|well[- ]focused|crisp|crisply|tack[- ]sharp|razor[- ]sharp|sharpness'),
      ],
    },
    {
      asked: [
        near('professional|studio|pro|commercial|premium|broadcast|cinema', 'quality|grade', 1),
        words('high[- ]quality|well[- ]exposed|dslr'),
      ],
    },
  ],
  subjectFocus: [
    {
      asked: [
        near('focus|focused|centred|centered|emphasis|emphasi[sz]e|spotlight|highlight|feature', 'subject|main|hero|protagonist|figure', 3),
        words('subject[- ]focused'),
      ],
    },
    {
      asked: [
        near('clearly|plainly|fully|prominently|easily|unmistakably|clear', 'visible|shown|seen|recogni[sz]able|legible|in view', 1),
        words('prominent|stands? out|front and cent(?:er|re)|unobstructed|in the foreground'),
      ],
    },
  ],
  balancedFrame: [
    {
      asked: [
        near('balanced|harmonious|symmetr\\w*|considered|careful|thoughtful|pleasing|classic', 'composition|composed|framing|framed|frame|layout|arrangement', 1),
        words('well[- ]composed|well[- ]framed|well[- ]balanced|rule of thirds'),
      ],
    },
    { asked: [near('clear|distinct|obvious|strong|single|defined|one', 'subject|focal point|point of focus|cent(?:er|re) of interest', 1), words('focal point')] },
    {
      asked: [
        near('uncluttered|clean|plain|simple|tidy|minimal|empty|neutral|blurred|soft|quiet|calm|seamless|out[- ]of[- ]focus', 'background|backdrop|surroundings', 1),
        words('bokeh|clutter[- ]free|uncluttered'),
      ],
      absent: [words('clutter|cluttered|distractions?|busy background')],
    },
  ],
  simplicity: [
    {
      asked: [
        near('simple|simplified|sparse|pared[- ]back|restrained|uncomplicated|minimal', 'composition|scene|framing|layout|setting|arrangement|shot', 1),
        words('simplicity'),
      ],
    },
    { asked: [near('single|one|lone|solitary|sole|only', 'subject|focal point|figure|object|item|person|product', 2)] },
  ],
  minimalStyle: [
    { asked: [words('minimal\\w*|pared[- ]back|understated|less is more|spare|sparse')] },
    { asked: [words('clean(?:ly|er|est)?')] },
    {
      asked: [
        near('professional|editorial|commercial|studio|magazine|advertising|catalog(?:ue)?|high[- ]end', 'photograph|photo|style|shoot|look|aesthetic', 1),
      ],
    },
  ],
};

/** A negation and the rest of its clause: "no text overlays", "free of glowing signage". */
const NEGATED_SPAN = /\b(?:no|not|without|free of|never|zero|minus|lacking|avoiding)\b[^,.;:\n]*/g;

export interface ReadText {
  /** What the text asks for: lower-cased, negated spans blanked. */
  asked: string;
  /** The negated spans alone, one per line. */
  absent: string;
}

/** Splits lower-cased text into what it asks for and what it asks to be absent. */
export function readText(text: string): ReadText {
  const lower = text.toLowerCase();
  const negated = lower.match(NEGATED_SPAN) ?? [];
  return { asked: lower.replace(NEGATED_SPAN, ' , '), absent: negated.join('\n') };
}

export function conceptPresence(text: string): ConceptPresence {
  const read = readText(text);
  const entries = CONCEPTS.map((concept) => {
    const aspects = VOCABULARY[concept];
    const met = aspects.filter(
      (aspect) =>
        (aspect.asked ?? []).some((pattern) => pattern.test(read.asked)) ||
        (aspect.absent ?? []).some((pattern) => pattern.test(read.absent)),
    ).length;
    return [concept, met / aspects.length];
  });
  return Object.fromEntries(entries) as ConceptPresence;
}
