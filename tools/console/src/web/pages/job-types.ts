import { get } from '../api';
import { submittableTypes, type SubmittableType } from '../model/submit-schema';

let types: Promise<SubmittableType[]> | undefined;

/** The job types of the API's OpenAPI document, read once a session. */
export function submittable(): Promise<SubmittableType[]> {
  types ??= get<unknown>('openapi.json').then(submittableTypes);
  types.catch(() => (types = undefined));
  return types;
}

export async function jobTypes(): Promise<string[]> {
  return (await submittable().catch(() => [])).map((t) => t.name);
}
