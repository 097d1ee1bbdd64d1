import { describeFaultCases, judgeCases, providerCases } from '../helpers/fault-cases';

// One provider per API the adapters speak (PiAPI, Runway, fal.ai): a fault takes the same path
// through every model of one API. The slow suite plays them on all six providers.
describeFaultCases(
  'faults: every simulator fault kind on each provider API, and every judge fault kind',
  [...providerCases(['kling', 'runway', 'falai']), ...judgeCases()],
);
