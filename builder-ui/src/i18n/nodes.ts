/**
 * Translated node labels, descriptions, form field titles and select options. Resources live
 * under `nodeTypes` (per node type: `label`, `description`, `fields` by config path, `options` by
 * path and value), `fields` (field titles shared by every type) and `options` (shared option
 * labels, by value) in each locale (locales/nodes/*.ts); node types contain dots, so these
 * keys are looked up with `>` as the key separator. Anything without a translation falls back to
 * the server's text (a plugin's node, a node added to core later): label and description from
 * `GET /flow-node-types`, field titles from the JSON Schema's `title`, else the property name.
 */
import { useTranslation } from 'i18next-vue';
import type { NodeType } from '../api/types.js';

/** The part of i18next's `t` used here. */
export type Translate = (key: string | string[], options: { keySeparator: string; defaultValue: string }) => string;

const SEP = { keySeparator: '>' };

/** `options.2.title` → `options.title` (list indexes do not matter for titles). */
export const fieldKey = (path: string): string => path.split('.').filter((p) => !/^\d+$/.test(p)).join('.');

export function nodeLabel(t: Translate, def: Pick<NodeType, 'type' | 'label'>): string {
  return t(`nodeTypes>${def.type}>label`, { ...SEP, defaultValue: def.label });
}

export function nodeDescription(t: Translate, def: Pick<NodeType, 'type' | 'description'>): string {
  return t(`nodeTypes>${def.type}>description`, { ...SEP, defaultValue: def.description });
}

/** Title of the config field at `path` of a node of `type`: the type's own, the shared one, else `fallback`. */
export function fieldTitle(t: Translate, type: string | undefined, path: string, fallback: string): string {
  const key = fieldKey(path);
  const keys = type ? [`nodeTypes>${type}>fields>${key}`, `fields>${key}`] : [`fields>${key}`];
  return t(keys, { ...SEP, defaultValue: fallback });
}

/**
 * Label of the option `value` of a select (a JSON Schema `enum`) at `path`: the type's own, the
 * shared one (`options.<value>`), else the value with spaces for underscores.
 */
export function optionLabel(t: Translate, type: string | undefined, path: string, value: unknown): string {
  const v = String(value);
  const keys = type ? [`nodeTypes>${type}>options>${fieldKey(path)}>${v}`, `options>${v}`] : [`options>${v}`];
  return t(keys, { ...SEP, defaultValue: v.replace(/_/g, ' ') });
}

/** The node type with its label and description in the current language. */
export function localizeType(t: Translate, def: NodeType): NodeType {
  const label = nodeLabel(t, def);
  const description = nodeDescription(t, def);
  return label === def.label && description === def.description ? def : { ...def, label, description };
}

/** The helpers above bound to the component's (reactive) `t`. */
export function useNodeText() {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  return {
    label: (def: Pick<NodeType, 'type' | 'label'>) => nodeLabel(tr, def),
    description: (def: Pick<NodeType, 'type' | 'description'>) => nodeDescription(tr, def),
    field: (type: string | undefined, path: string, fallback: string) => fieldTitle(tr, type, path, fallback),
    option: (type: string | undefined, path: string, value: unknown) => optionLabel(tr, type, path, value),
    localize: (def: NodeType) => localizeType(tr, def),
  };
}
