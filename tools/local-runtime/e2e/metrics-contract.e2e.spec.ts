import { existsSync, readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { METRICS_CAPTURE_FILE } from '@async-jobs/local-services';
import { deploymentSettings, METRIC_CATALOG, METRICS_NAMESPACE, operationsPlan, type SeriesPlan } from '@async-jobs/platform';

/**
 * The EMF document rules, written from CloudWatch's specification ("Specification: Embedded metric
 * format"): what CloudWatch Logs needs to extract a metric from a log event.
 */
const EMF_DOCUMENT = {
  type: 'object',
  required: ['_aws'],
  properties: {
    _aws: {
      type: 'object',
      required: ['Timestamp', 'CloudWatchMetrics'],
      properties: {
        Timestamp: { type: 'integer' },
        CloudWatchMetrics: {
          type: 'array',
          items: {
            type: 'object',
            required: ['Namespace', 'Dimensions', 'Metrics'],
            properties: {
              Namespace: { type: 'string', minLength: 1, maxLength: 255 },
              Dimensions: {
                type: 'array',
                minItems: 1,
                items: { type: 'array', minItems: 0, maxItems: 9, items: { type: 'string', minLength: 1, maxLength: 255 } },
              },
              Metrics: {
                type: 'array',
                maxItems: 100,
                items: {
                  type: 'object',
                  required: ['Name'],
                  properties: {
                    Name: { type: 'string', minLength: 1, maxLength: 255 },
                    Unit: { enum: ['Count', 'Milliseconds', 'Seconds', 'Percent', 'Bytes', 'None'] },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

type Line = Record<string, any>;
const file = process.env[METRICS_CAPTURE_FILE];
const lines: Line[] =
  file && existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line)
    : [];

/** Every series a line publishes: one per dimension set of each directive, named by its dimension values. */
function seriesOf(line: Line): string[] {
  return line['_aws'].CloudWatchMetrics.flatMap((directive: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }) =>
    directive.Dimensions.flatMap((set) =>
      directive.Metrics.map((metric) =>
        seriesKey({
          namespace: directive.Namespace,
          metricName: metric.Name,
          dimensions: Object.fromEntries(set.map((d) => [d, line[d]])),
          stat: '',
        }),
      ),
    ),
  );
}
const seriesKey = (series: SeriesPlan) =>
  `${series.namespace}/${series.metricName}{${Object.entries(series.dimensions)
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}}`;
const emitted = new Set(lines.flatMap(seriesOf));

describe('the metrics contract: what the alarms and dashboard of prod read is what the running system emits', () => {
  // Which series are read does not depend on the catalog's run limits; their thresholds do.
  const plan = operationsPlan(deploymentSettings('prod'), { processorTimeoutSeconds: 450 });
  const ours = [
    ...plan.alarms.map((a) => ({ reader: `alarm ${a.id}`, series: a.series })),
    ...plan.widgets.flatMap((w) => w.series.map((series) => ({ reader: `widget "${w.title}"`, series }))),
  ].filter((r) => r.series.namespace === METRICS_NAMESPACE);

  it('runs after the rest of the end-to-end suite, whose local systems printed their metrics', () => {
    expect(file).toBeDefined();
    expect(lines.length).toBeGreaterThan(100);
  });

  it('every metric line is an EMF document CloudWatch can extract: the spec’s structure, string dimension targets, numeric metric targets, catalogued units', () => {
    const validate = new Ajv({ allErrors: true }).compile(EMF_DOCUMENT);
    for (const line of lines) {
      expect([validate(line), validate.errors]).toEqual([true, null]);
      for (const directive of line['_aws'].CloudWatchMetrics) {
        for (const key of directive.Dimensions.flat()) expect([key, typeof line[key]]).toEqual([key, 'string']);
        for (const metric of directive.Metrics) {
          expect([metric.Name, typeof line[metric.Name]]).toEqual([metric.Name, 'number']);
          const definition = METRIC_CATALOG[metric.Name as keyof typeof METRIC_CATALOG];
          expect([metric.Name, metric.Unit, directive.Dimensions]).toEqual([metric.Name, definition.unit, definition.dimensionSets]);
        }
      }
    }
  });

  it('emitted every metric of the catalog at least once', () => {
    const names = new Set(
      lines.flatMap((line) => line['_aws'].CloudWatchMetrics.flatMap((d: { Metrics: { Name: string }[] }) => d.Metrics.map((m) => m.Name))),
    );
    expect([...names].sort()).toEqual(Object.keys(METRIC_CATALOG).sort());
  });

  it.each(ours.map((r) => [r.reader, seriesKey(r.series)]))('%s reads %s, which some code path emitted', (_reader, key) => {
    expect(emitted).toContain(key);
  });
});
