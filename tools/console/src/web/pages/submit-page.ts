import { ApiError, call } from '../api';
import { h, show } from '../dom';
import type { SubmitAccepted } from '../model/api-types';
import { fieldValue, type InputField, type SubmittableType } from '../model/submit-schema';
import type { Page } from '../page';
import { justSubmitted } from './job-page';
import { submittable } from './job-types';

/**
 * A form per job type, drawn from the type's input schema in the OpenAPI document. The form checks nothing itself
 * (bar JSON that does not parse): the API validates, and its errors are shown on their fields and in a summary.
 */
export const submitPage: Page = (ctx, route) => {
  const container = h('div');
  show(ctx.main, h('h1', null, 'Submit a job'), container);
  void submittable()
    .then((types) => drawForm(types))
    .catch((error: ApiError) => show(container, h('p', { role: 'alert' }, `Reading the job types failed: ${error.message}`)));

  function drawForm(types: SubmittableType[]): void {
    const chosen = types.find((t) => t.name === route.query.get('type')) ?? types[0];
    if (!chosen) return show(container, h('p', null, 'The API offers no job type.'));
    const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
    const typeSelect = h(
      'select',
      { id: 'field-type', name: 'type', onchange: (e: Event) => ctx.navigate(`#/submit?type=${(e.target as HTMLSelectElement).value}`) },
      types.map((t) => h('option', { value: t.name, selected: t.name === chosen.name }, t.name)),
    );
    const controls = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
    const errors = new Map<string, HTMLElement>();
    const hints = new Map<string, string | undefined>();
    /** A field's description: its hint, and its error while it shows one. */
    const describe = (key: string, withError: boolean) => {
      const ids = [hints.get(key), withError ? `error-${key}` : undefined].filter(Boolean).join(' ');
      if (ids) controls.get(key)?.setAttribute('aria-describedby', ids);
      else controls.get(key)?.removeAttribute('aria-describedby');
    };
    const fieldBlock = (key: string, label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string) => {
      const error = h('p', { class: 'field-error', id: `error-${key}`, hidden: true });
      const hintId = hint ? `hint-${key}` : undefined;
      control.id = `field-${key}`;
      if (hintId) control.setAttribute('aria-describedby', hintId);
      hints.set(key, hintId);
      controls.set(key, control);
      errors.set(key, error);
      return h(
        'div',
        { class: 'field' },
        h('label', { for: `field-${key}` }, label),
        hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
        control,
        error,
      );
    };
    const inputBlocks = chosen.fields.map((f) =>
      fieldBlock(`input-${f.name}`, `${f.name}${f.required ? ' (required)' : ''}`, control(f), hint(f)),
    );
    const notify = h('input', { type: 'url', name: 'notify', inputmode: 'url', autocomplete: 'off' });
    const submitButton = h('button', { type: 'submit' }, 'Submit job');

    const clearErrors = () => {
      summary.hidden = true;
      show(summary);
      for (const [key, error] of errors) {
        error.hidden = true;
        controls.get(key)?.removeAttribute('aria-invalid');
        describe(key, false);
      }
    };
    const showErrors = (message: string, details: readonly { field: string; code: string; message: string }[]) => {
      const items = details.map((d) => {
        const key = keyOf(d.field);
        const error = key ? errors.get(key) : undefined;
        if (key && error) {
          error.hidden = false;
          error.textContent = `${d.code}: ${d.message}`;
          controls.get(key)?.setAttribute('aria-invalid', 'true');
          describe(key, true);
        }
        const text = `${d.field || '(body)'}: ${d.code}: ${d.message}`;
        return h(
          'li',
          null,
          key && error
            ? h('a', { href: `#field-${key}`, onclick: (e: Event) => (e.preventDefault(), controls.get(key)?.focus()) }, text)
            : text,
        );
      });
      show(summary, h('h2', null, 'The job was not submitted'), h('p', null, message), items.length ? h('ul', null, items) : null);
      summary.hidden = false;
      summary.focus();
    };
    /** `/input/seconds` → `input-seconds`; `/notify/url` → `notify`; `/type` → `type`. */
    const keyOf = (field: string) => {
      const input = /^\/input\/([^/]+)/.exec(field)?.[1];
      if (input && controls.has(`input-${input}`)) return `input-${input}`;
      if (field.startsWith('/notify')) return 'notify';
      if (field === '/type') return 'type';
      return undefined;
    };

    const form = h(
      'form',
      {
        novalidate: true,
        'aria-labelledby': 'submit-heading',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void send();
        },
      },
      h('h2', { id: 'submit-heading' }, `A ${chosen.name} job`),
      summary,
      fieldBlock('type', 'Job type', typeSelect),
      h(
        'fieldset',
        null,
        h('legend', null, 'Input'),
        inputBlocks.length ? inputBlocks : h('p', { class: 'muted' }, 'This type takes no input.'),
      ),
      fieldBlock(
        'notify',
        'Notify URL (optional)',
        notify,
        'An https URL on the environment’s allow-list: the finished job is POSTed there, signed.',
      ),
      submitButton,
    );

    async function send(): Promise<void> {
      clearErrors();
      const input: Record<string, unknown> = {};
      for (const f of chosen.fields) {
        const c = controls.get(`input-${f.name}`) as HTMLInputElement;
        try {
          const value = fieldValue(f, f.kind === 'boolean' ? c.checked : c.value);
          if (value !== undefined) input[f.name] = value;
        } catch {
          return showErrors('A field is not valid JSON.', [
            { field: `/input/${f.name}`, code: 'INVALID_JSON', message: 'is not valid JSON' },
          ]);
        }
      }
      const body = { type: chosen.name, input, ...(notify.value.trim() ? { notify: { url: notify.value.trim() } } : {}) };
      submitButton.disabled = true;
      try {
        const { data } = await call<SubmitAccepted>('POST', 'jobs', { body, idempotencyKey: crypto.randomUUID() });
        if (data) {
          justSubmitted(data);
          ctx.announce(`Job ${data.jobId} submitted`);
          ctx.navigate(`#/jobs/${data.jobId}`);
        }
      } catch (error) {
        const e = error as ApiError;
        showErrors(`${e.status} ${e.code}: ${e.message}`, e.details);
      } finally {
        submitButton.disabled = false;
      }
    }
    show(container, form);
  }
};

function control(field: InputField): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
  const name = `input-${field.name}`;
  switch (field.kind) {
    case 'integer':
    case 'number':
      // Text, not type=number: a browser would drop what it cannot parse, and the API must see (and name) it.
      return h('input', {
        name,
        type: 'text',
        inputmode: field.kind === 'integer' ? 'numeric' : 'decimal',
        autocomplete: 'off',
        required: field.required,
      });
    case 'boolean':
      return h('input', { name, type: 'checkbox' });
    case 'choice':
      return h(
        'select',
        { name },
        field.required ? null : h('option', { value: '' }, '—'),
        (field.choices ?? []).map((c) => h('option', { value: c }, c)),
      );
    case 'json':
      return h('textarea', { name, rows: '4', spellcheck: 'false' });
    default:
      return h('input', { name, type: 'text', autocomplete: 'off', required: field.required });
  }
}

function hint(field: InputField): string | undefined {
  const range =
    field.minimum !== undefined && field.maximum !== undefined
      ? `${field.minimum} to ${field.maximum}`
      : field.minimum !== undefined
        ? `at least ${field.minimum}`
        : field.maximum !== undefined
          ? `at most ${field.maximum}`
          : '';
  const kind = field.kind === 'json' ? 'JSON' : field.kind === 'choice' ? '' : field.kind;
  const text = [field.description, [kind, range].filter(Boolean).join(', ')].filter(Boolean).join(' ');
  return text || undefined;
}
