/** Fills `{{name}}`-style variables; unknown variables are left as they are so a typo shows. */
export function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (all, name: string) => (name in vars ? vars[name] ?? '' : all));
}

export const DEFAULT_SURVEY_TEMPLATE = 'How did we do, {{first_name}}? One tap to rate us: {{survey_link}} — {{agent_name}}, {{brand_name}}';
