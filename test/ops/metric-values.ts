import { register } from 'prom-client';

/** The current value of one series of a product metric; 0 when the series does not exist yet. */
export async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (metric === undefined) throw new Error(`metric ${name} is not registered`);
  // Histograms name each series (_bucket, _sum, _count); counters do not.
  const { values } = (await metric.get()) as { values: { labels: Record<string, unknown>; value: number; metricName?: string }[] };
  const wanted = Object.entries(labels);
  const series = values.find(
    (value) =>
      // Of a histogram, only the _count series: how many observations.
      (value.metricName === undefined || value.metricName === name || value.metricName === `${name}_count`) &&
      wanted.every(([key, expected]) => String(value.labels[key]) === expected) &&
      Object.keys(value.labels).filter((key) => key !== 'le').length === wanted.length,
  );
  return series?.value ?? 0;
}

/** Samples of a Prometheus text exposition, by metric name with labels, e.g. `a_total{x="1"}` → 3. */
export function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}
