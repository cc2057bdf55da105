import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { LeanMetricProducer } from './lean-histogram.js';

describe('LeanMetricProducer', () => {
  it('counts each value in the first bucket whose bound it does not exceed, and exports cumulative buckets', async () => {
    const producer = new LeanMetricProducer(
      resourceFromAttributes({ 'service.name': 't' }),
      () => 1_000,
    );
    const histogram = producer.histogram('demo.duration_seconds', {
      description: 'demo',
      unit: 's',
      boundaries: [0.1, 1],
    });
    const fast = histogram.series({ outcome: 'ok' });
    histogram.series({ outcome: 'never' });
    for (const v of [0.05, 0.1, 0.5, 1, 7]) fast.record(v);

    const { resourceMetrics } = await producer.collect();
    const [metric] = resourceMetrics.scopeMetrics[0]!.metrics;
    expect(metric!.dataPoints).toHaveLength(1);
    expect(metric!.dataPoints[0]!.value).toMatchObject({
      buckets: { boundaries: [0.1, 1], counts: [2, 2, 1] },
      count: 5,
      min: 0.05,
      max: 7,
    });

    const text = new PrometheusSerializer(undefined, false, undefined, true, true).serialize(
      resourceMetrics,
    );
    expect(text).toContain('demo_duration_seconds_bucket{outcome="ok",le="0.1"} 2');
    expect(text).toContain('demo_duration_seconds_bucket{outcome="ok",le="1"} 4');
    expect(text).toContain('demo_duration_seconds_bucket{outcome="ok",le="+Inf"} 5');
    expect(text).toContain('demo_duration_seconds_count{outcome="ok"} 5');
    expect(text).not.toContain('never');
  });
});
