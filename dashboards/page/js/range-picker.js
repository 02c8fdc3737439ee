/**
 * The range picker: preset buttons (24 h, 7 d, 30 d, all) and a custom from/to. Buttons are a group
 * with aria-pressed, so a screen reader says which range is shown; the custom inputs are ordinary
 * labelled datetime-local fields in the reader's time zone.
 */
import { h } from './dom.js';
import { PRESETS, describeStep } from './time-range.js';

function localInputValue(ms) {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

/** `onChange(range)` is called with { preset } or { preset: 'custom', fromMs, toMs }. */
export function rangePicker(range, resolved, onChange) {
  const from = h('input', { type: 'datetime-local', name: 'from', value: localInputValue(resolved.fromMs), required: true });
  const to = h('input', { type: 'datetime-local', name: 'to', value: localInputValue(resolved.toMs), required: true });
  const custom = h(
    'form',
    {
      class: 'range-custom',
      hidden: range.preset !== 'custom',
      onsubmit: (event) => {
        event.preventDefault();
        const fromMs = new Date(from.value).getTime();
        const toMs = new Date(to.value).getTime();
        if (Number.isFinite(fromMs) && Number.isFinite(toMs)) onChange({ preset: 'custom', fromMs, toMs });
      },
    },
    h('label', {}, 'From ', from),
    h('label', {}, 'To ', to),
    h('button', { type: 'submit' }, 'Apply'),
  );
  const buttons = PRESETS.map((preset) =>
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': String(range.preset === preset.id),
        dataset: { range: preset.id },
        onclick: () => {
          if (preset.id === 'custom') custom.hidden = false;
          else onChange({ preset: preset.id });
        },
      },
      preset.label,
    ),
  );
  return h(
    'div',
    { class: 'range-picker' },
    h('div', { role: 'group', 'aria-label': 'Time range', class: 'range-presets' }, buttons),
    custom,
    h('p', { class: 'range-step' }, `One point per ${describeStep(resolved.stepS)} (the average of the samples in it).`),
  );
}
