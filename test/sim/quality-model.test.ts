import assert from 'node:assert/strict';
import { DEFAULT_GENERATION_PRICES } from '../../src/catalog/prices';
import { isImageProvider, PROVIDER_NAMES, type ProviderName } from '../../src/domain/provider';
import {
  gaussian,
  noisyScore,
  pairwisePreference,
  profileOffset,
  PROVIDER_QUALITY_PROFILE,
  renderedTrueQualityFor,
  seededRng,
  trueQuality,
  trueQualityFor,
} from '../../src/sim/judge/quality-model';
import { BEST_PROVIDER_FOR_CONTENT } from '../../src/rules/provider-choice';

const CONTENT_TYPES = Object.keys(BEST_PROVIDER_FOR_CONTENT);

/** What a 5-second clip or one image costs, the unit the value comparison uses. */
function priceOf(provider: ProviderName): number {
  const price = DEFAULT_GENERATION_PRICES[provider];
  return isImageProvider(provider) ? (price.perItemUsd ?? 0) : (price.perItemUsd ?? (price.perSecondUsd ?? 0) * 5);
}

describe('simulator quality model', () => {
  describe('provider quality profile', () => {
    it('has a modest offset (within ±10) for every provider and content type', () => {
      for (const provider of PROVIDER_NAMES) {
        for (const contentType of CONTENT_TYPES) {
          const offset = PROVIDER_QUALITY_PROFILE[provider][contentType];
          assert.equal(typeof offset, 'number', `${provider}/${contentType}`);
          assert.ok(Math.abs(offset) <= 10, `${provider}/${contentType}: ${offset}`);
        }
      }
    });

    it('is 0 for an unknown provider or content type, and reads content types case-insensitively', () => {
      assert.equal(profileOffset(undefined, 'person'), 0);
      assert.equal(profileOffset('kling', undefined), 0);
      assert.equal(profileOffset('kling', 'spaceship'), 0);
      assert.equal(profileOffset('kling', ' Person '), PROVIDER_QUALITY_PROFILE.kling.person);
    });

    it('makes the static map not the best value per dollar for some content types', () => {
      const notBest = CONTENT_TYPES.filter((contentType) => {
        const chosen = BEST_PROVIDER_FOR_CONTENT[contentType];
        const sameKind = PROVIDER_NAMES.filter((provider) => isImageProvider(provider) === isImageProvider(chosen));
        return sameKind.some(
          (other) =>
            other !== chosen &&
            priceOf(other) <= priceOf(chosen) &&
            PROVIDER_QUALITY_PROFILE[other][contentType] > PROVIDER_QUALITY_PROFILE[chosen][contentType],
        );
      });
      assert.ok(notBest.length >= 2, `only ${notBest.join(', ')}`);
      assert.ok(notBest.includes('product') && notBest.includes('nature'), notBest.join(', '));
    });

    it('keeps the static map right for some content types, so learning is not trivially "always switch"', () => {
      assert.equal(bestOffset('person'), BEST_PROVIDER_FOR_CONTENT.person);
      assert.equal(bestOffset('food'), BEST_PROVIDER_FOR_CONTENT.food);
    });
  });

  describe('true quality', () => {
    const scene = {
      prompt: 'A woman reading by a window, warm natural lighting, sharp focus',
      visualDirection: 'A woman reading by a window',
      contentType: 'person',
    };

    it('adds the profile offset to the judge score, within 0..100', () => {
      assert.equal(trueQuality(60, 'kling', 'person'), 60 + PROVIDER_QUALITY_PROFILE.kling.person);
      assert.equal(trueQuality(60), 60);
      assert.equal(trueQuality(98, 'kling', 'person'), 100);
      assert.equal(trueQuality(1, 'hailuo', 'food'), 0);
    });

    it('changes with the provider by exactly the profile difference', () => {
      const kling = trueQualityFor({ ...scene, provider: 'kling' });
      const luma = trueQualityFor({ ...scene, provider: 'luma' });
      assert.equal(kling - luma, PROVIDER_QUALITY_PROFILE.kling.person - PROVIDER_QUALITY_PROFILE.luma.person);
    });

    it('rewards the fix phrases an improved prompt adds', () => {
      const plain = trueQualityFor({ ...scene, prompt: scene.visualDirection, provider: 'kling' });
      assert.ok(trueQualityFor({ ...scene, provider: 'kling' }) > plain);
    });

    it('renders and judges the pixels within a few points of the pixel-free path', async () => {
      const fast = trueQualityFor({ ...scene, provider: 'runway' });
      const rendered = await renderedTrueQualityFor({ ...scene, provider: 'runway' });
      assert.ok(Math.abs(fast - rendered) <= 4, `fast ${fast}, rendered ${rendered}`);
      assert.equal(await renderedTrueQualityFor({ ...scene, provider: 'runway' }), rendered);
    });
  });

  describe('noise', () => {
    it('seeded generators repeat their sequence; different seeds differ', () => {
      const a = seededRng(7);
      const b = seededRng(7);
      const c = seededRng('7:other');
      const first = Array.from({ length: 5 }, () => a());
      assert.deepEqual(Array.from({ length: 5 }, () => b()), first);
      assert.notDeepEqual(Array.from({ length: 5 }, () => c()), first);
      for (const value of first) assert.ok(value >= 0 && value < 1);
    });

    it('σ = 0 returns the rounded true quality and draws nothing', () => {
      let draws = 0;
      const rng = () => {
        draws += 1;
        return 0.5;
      };
      assert.equal(noisyScore(71.4, 0, rng), 71);
      assert.equal(draws, 0);
    });

    it('σ > 0 spreads scores around the true quality with a standard deviation near σ', () => {
      const rng = seededRng(42);
      const scores = Array.from({ length: 4000 }, () => noisyScore(60, 5, rng));
      const mean = scores.reduce((sum, value) => sum + value, 0) / scores.length;
      const sd = Math.sqrt(scores.reduce((sum, value) => sum + (value - mean) ** 2, 0) / scores.length);
      assert.ok(Math.abs(mean - 60) < 0.4, `mean ${mean}`);
      assert.ok(Math.abs(sd - 5) < 0.4, `sd ${sd}`);
      for (const score of scores) assert.ok(Number.isInteger(score));
    });

    it('clamps noisy scores to 0..100', () => {
      const rng = seededRng(3);
      for (let n = 0; n < 500; n++) {
        const high = noisyScore(99, 20, rng);
        const low = noisyScore(1, 20, rng);
        assert.ok(high >= 0 && high <= 100 && low >= 0 && low <= 100);
      }
    });

    it('gaussian draws have mean 0 and variance 1', () => {
      const rng = seededRng(11);
      const draws = Array.from({ length: 5000 }, () => gaussian(rng));
      const mean = draws.reduce((sum, value) => sum + value, 0) / draws.length;
      const variance = draws.reduce((sum, value) => sum + (value - mean) ** 2, 0) / draws.length;
      assert.ok(Math.abs(mean) < 0.06, `mean ${mean}`);
      assert.ok(Math.abs(variance - 1) < 0.08, `variance ${variance}`);
    });
  });

  it('prefers the truly better asset in either order, and ties on equal quality', () => {
    assert.equal(pairwisePreference(72, 65), 'first');
    assert.equal(pairwisePreference(65, 72), 'second');
    assert.equal(pairwisePreference(70, 70), 'tie');
  });
});

function bestOffset(contentType: string): ProviderName {
  const chosen = BEST_PROVIDER_FOR_CONTENT[contentType];
  const sameKind = PROVIDER_NAMES.filter((provider) => isImageProvider(provider) === isImageProvider(chosen));
  return sameKind.reduce((best, provider) =>
    PROVIDER_QUALITY_PROFILE[provider][contentType] > PROVIDER_QUALITY_PROFILE[best][contentType] ? provider : best,
  );
}
