/**
 * A checker of CloudWatch embedded metric format (EMF) documents, written from the published
 * specification ("Specification: Embedded metric format", CloudWatch User Guide) and its JSON schema,
 * taking the stricter of its revisions where they differ (9 dimension keys per set and 256 KB; later
 * revisions allow 30 and 1 MB). Returns every violation, and the datapoints CloudWatch Logs would
 * extract from a valid document.
 */

/** Units the specification's schema allows. */
export const EMF_UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits',
  'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second',
  'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
] as const;

/** One value CloudWatch would record. */
export interface ExtractedDatapoint {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly value: number;
  readonly timestamp: number;
  readonly unit: string;
}

export interface EmfCheck {
  readonly problems: string[];
  readonly datapoints: ExtractedDatapoint[];
}

const MAX_BYTES = 256 * 1024;

/** Checks one log event's message (a line of the function's stdout). */
export function checkEmf(line: string): EmfCheck {
  const problems: string[] = [];
  const datapoints: ExtractedDatapoint[] = [];
  if (Buffer.byteLength(line, 'utf8') > MAX_BYTES) {
    problems.push(`the event is over ${MAX_BYTES} bytes`);
  }
  let root: any;
  try {
    root = JSON.parse(line);
  } catch {
    return { problems: ['the message is not a JSON object with nothing before or after it'], datapoints };
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    return { problems: ['the root node is not an object'], datapoints };
  }
  const aws = root._aws;
  if (typeof aws !== 'object' || aws === null || Array.isArray(aws)) {
    return { problems: ['_aws (the metadata object) is missing or not an object'], datapoints };
  }
  if (!Number.isInteger(aws.Timestamp) || aws.Timestamp < 0) {
    problems.push('_aws.Timestamp must be an integer number of milliseconds since 1970-01-01T00:00:00Z');
  }
  if (!Array.isArray(aws.CloudWatchMetrics)) {
    problems.push('_aws.CloudWatchMetrics must be an array of MetricDirective objects');
    return { problems, datapoints };
  }
  aws.CloudWatchMetrics.forEach((directive: any, d: number) => {
    const at = `_aws.CloudWatchMetrics[${d}]`;
    if (typeof directive !== 'object' || directive === null) {
      problems.push(`${at} is not an object`);
      return;
    }
    const ns = directive.Namespace;
    if (typeof ns !== 'string' || ns.length < 1 || ns.length > 255) {
      problems.push(`${at}.Namespace must be a string of 1-255 characters`);
    } else if (ns.startsWith('AWS/')) {
      problems.push(`${at}.Namespace must not start with AWS/ (reserved for AWS services)`);
    }
    if (!Array.isArray(directive.Dimensions) || directive.Dimensions.length < 1) {
      problems.push(`${at}.Dimensions must be a non-empty array of DimensionSets`);
    }
    const sets: string[][] = Array.isArray(directive.Dimensions) ? directive.Dimensions : [];
    sets.forEach((set, s) => {
      if (!Array.isArray(set) || set.length > 9) {
        problems.push(`${at}.Dimensions[${s}] must be an array of at most 9 dimension keys`);
        return;
      }
      for (const key of set) {
        if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
          problems.push(`${at}.Dimensions[${s}] holds a key that is not a string of 1-255 characters`);
        } else if (typeof root[key] !== 'string') {
          problems.push(`dimension target ${JSON.stringify(key)} must be a string member of the root node`);
        } else if (root[key].length < 1 || root[key].length > 1024) {
          problems.push(`dimension value of ${key} must be 1-1024 characters`);
        }
      }
    });
    if (!Array.isArray(directive.Metrics) || directive.Metrics.length > 100) {
      problems.push(`${at}.Metrics must be an array of at most 100 MetricDefinitions`);
      return;
    }
    directive.Metrics.forEach((definition: any, m: number) => {
      const where = `${at}.Metrics[${m}]`;
      const name = definition?.Name;
      if (typeof name !== 'string' || name.length < 1 || name.length > 255) {
        problems.push(`${where}.Name must be a string of 1-255 characters`);
        return;
      }
      const unit = definition.Unit ?? 'None';
      if (!(EMF_UNITS as readonly string[]).includes(unit)) {
        problems.push(`${where}.Unit ${JSON.stringify(unit)} is not a CloudWatch unit`);
      }
      if (definition.StorageResolution !== undefined && ![1, 60].includes(definition.StorageResolution)) {
        problems.push(`${where}.StorageResolution must be 1 or 60`);
      }
      const target = root[name];
      const values = Array.isArray(target) ? target : [target];
      if (values.length > 100 || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        problems.push(`metric target ${JSON.stringify(name)} must be a number or an array of at most 100 numbers`);
        return;
      }
      for (const set of sets.filter(Array.isArray)) {
        for (const value of values) {
          datapoints.push({
            namespace: ns,
            metricName: name,
            dimensions: Object.fromEntries(set.map((key) => [key, String(root[key])])),
            value,
            timestamp: aws.Timestamp,
            unit,
          });
        }
      }
    });
  });
  return { problems, datapoints: problems.length === 0 ? datapoints : [] };
}

/** Whether a log line means to be an EMF document (has `_aws`): other lines are plain logs. */
export function isEmfCandidate(line: string): boolean {
  return line.trimStart().startsWith('{') && line.includes('"_aws"');
}
