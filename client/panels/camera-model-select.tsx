/** The camera-model field of the planner's forms (siting and what-if): one option per model, by name. */
import { t, type MessageKey } from '../i18n.js';
import type { Language } from '../state/app-state.js';
import { CAMERA_MODEL_IDS, type CameraModelId } from './planner-state.js';

export interface CameraModelSelectProps {
  language: Language;
  label: MessageKey;
  value: CameraModelId;
  testId: string;
  onChange: (model: CameraModelId) => void;
}

export function CameraModelSelect({ language, label, value, testId, onChange }: CameraModelSelectProps) {
  return (
    <label class="field">
      <span class="field-label">{t(language, label)}</span>
      <select
        class="field-input"
        value={value}
        data-testid={testId}
        onChange={(e) => onChange(e.currentTarget.value as CameraModelId)}
      >
        {CAMERA_MODEL_IDS.map((id) => (
          <option key={id} value={id}>
            {t(language, `planner.model.${id}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
