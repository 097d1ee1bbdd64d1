import { ALL_PROVIDERS, describeFaultCases, providerCases } from '../helpers/fault-cases';

// The fast suite covers one provider per API; here every fault kind meets every provider, so a
// model whose answers differ (Kling's, Luma's and Hailuo's outputs, fal's result errors) is covered too.
describeFaultCases('faults (slow): every simulator fault kind on every provider', providerCases(ALL_PROVIDERS));
